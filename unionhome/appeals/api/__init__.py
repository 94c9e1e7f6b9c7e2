"""The appeals API, by sub-domain; one router for the API to mount."""

from ninja import Router

from . import appeals, legal, review

router = Router(tags=["appeals"])
for part in (appeals, review, legal):
    router.add_router("", part.router)
