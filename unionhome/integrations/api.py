"""Integrations API: staff create one; the enterprise's systems post signed events to it."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from unionhome.core.bounds import Id
from unionhome.core.errors import DomainError
from unionhome.core.openapi import refuses
from unionhome.core.scoping import get_scoped, staff_org
from unionhome.core.uploads import import_too_large

from . import services, uploads
from .models import Integration

router = Router(tags=["integrations"])


class IntegrationIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    org: Id


class IntegrationOut(Schema):
    key: str
    secret: str = Field(description="shown this once: the HMAC-SHA256 key that signs each request")


@router.post("/integrations", response={201: IntegrationOut})
@refuses(403, 404)
def integration_create(request, payload: IntegrationIn):
    """Staff: an integration for `org` (an HR, attendance or training system)."""
    org = staff_org(request.user, payload.org)
    integration, secret = services.integration_create(actor=request.user, org=org, name=payload.name)
    return Status(201, {"key": integration.key, "secret": secret})


class EventError(Schema):
    id: str
    reason: str


class EventsOut(Schema):
    accepted: int
    duplicates: int
    errors: list[EventError]


BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["events"],
                    "properties": {"events": {"type": "array", "items": {"type": "object"}}},
                }
            }
        },
    },
    "parameters": [
        {
            "name": "X-UnionHome-Signature",
            "in": "header",
            "required": True,
            "schema": {"type": "string"},
            "description": 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the secret>',
        }
    ],
}


@router.post("/integrations/{key}/events", response=EventsOut, auth=None, openapi_extra=BODY)
@refuses(400, 401)
def integration_events(request, key: str):
    """Events from the enterprise's systems: `{"events": [{"id", "type": hire|leave|transfer|
    change|attendance|training, "employee_no", "date", …}]}`. A hire adds `name`, `phone`, `site`
    (a site's name), `post`; attendance adds `hours`, `overtime_hours`, `shift`, `night`; a
    training adds `course`, `hours`. Signed (see `X-UnionHome-Signature`): a wrong or stale
    signature is a 401 and changes nothing; an event id seen before counts as a duplicate."""
    body = request.body
    integration = services.verified(key[:64], request.headers.get("X-UnionHome-Signature"), body)
    try:
        data = json.loads(body)
    except ValueError:
        raise DomainError("invalid", _("请求体不是 JSON"), fields={"events": _("不是 JSON")}) from None
    if not isinstance(data, dict):
        raise DomainError("invalid", _("请求体应为一个对象"), fields={"events": _("缺少")})
    result = services.events_apply(integration, data.get("events"))
    return {"accepted": result.accepted, "duplicates": result.duplicates, "errors": result.errors}


class UploadError(Schema):
    row: int = Field(description="as numbered in the sheet")
    id: str
    reason: str


class UploadOut(Schema):
    accepted: int
    duplicates: int
    errors: list[UploadError]


@router.post("/integrations/{key}/uploads", response=UploadOut)
@refuses(400, 403, 404, 413)
def integration_upload(request, key: str, file: File[UploadedFile]):
    """Staff over the integration's union: the same events from a spreadsheet (.xlsx, .xls or
    .csv in UTF-8 or GBK), one row each — for an enterprise without IT. A sheet with no 类型
    column is read as attendance. Rows without an 事件编号 are identified by their content, so
    the same file twice applies nothing twice; errors carry the sheet's row numbers."""
    integration = get_scoped(Integration.objects, request.user, key=key[:64])
    if msg := import_too_large(file.size or 0):
        raise DomainError("too_large", msg, fields={"file": msg}, status=413)
    result, errors = uploads.upload_apply(integration=integration, data=file.read())
    return {"accepted": result.accepted, "duplicates": result.duplicates, "errors": errors}
