"""The JSON API at /api/v1/, assembled from each app's router."""

from __future__ import annotations

from ninja import NinjaAPI

from unionhome.activities.api import router as activities_router
from unionhome.appeals.api import router as appeals_router
from unionhome.assistant.api import router as assistant_router
from unionhome.benefits.api import router as benefits_router
from unionhome.content.api import router as content_router
from unionhome.core.api import BearerAuth, ObjectParser, SessionAuth, install_error_handlers
from unionhome.core.api_routes import router as core_router
from unionhome.core.openapi import document_errors
from unionhome.democracy.api import router as democracy_router
from unionhome.insights.api import router as insights_router
from unionhome.integrations.api import router as integrations_router
from unionhome.learning.api import router as learning_router
from unionhome.members.api import router as members_router
from unionhome.members.identity import token_identity

api = NinjaAPI(
    title="UnionHome API",
    version="1",
    description="网上职工之家 JSON API. Authenticate with `POST /api/v1/auth/token` and send "
    "`Authorization: Bearer <token>`. Errors are `{code, message, fields?}` with a 4xx status.",
    # A token is read by the members app (whose record says who the caller is as a member).
    auth=[BearerAuth(read=token_identity), SessionAuth()],
    parser=ObjectParser(),
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("", core_router)
api.add_router("", members_router)
api.add_router("", appeals_router)
api.add_router("", assistant_router)
api.add_router("", content_router)
api.add_router("", activities_router)
api.add_router("", benefits_router)
api.add_router("", insights_router)
api.add_router("", integrations_router)
api.add_router("", learning_router)
api.add_router("", democracy_router)
# Last: the 401/403/404/422 every operation may give by its shape (core.openapi).
document_errors(api)
