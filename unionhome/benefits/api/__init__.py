"""The benefits API, by sub-domain; one router for the API to mount."""

from ninja import Router

from . import care, claims, funds, groups, proxy

router = Router(tags=["benefits"])
for part in (claims, funds, care, groups, proxy):
    router.add_router("", part.router)
