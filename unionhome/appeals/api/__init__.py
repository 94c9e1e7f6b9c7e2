"""The appeals API, by sub-domain; one router for the API to mount."""

from ninja import Router

from . import appeals, history, legal, review

router = Router(tags=["appeals"])
for part in (appeals, review, legal, history):
    router.add_router("", part.router)
