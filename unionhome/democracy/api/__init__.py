"""The democracy API, by sub-domain; one router for the API to mount."""

from ninja import Router

from . import congresses, contracts, matters, polls, suggestions, topics

router = Router(tags=["democracy"])
for part in (congresses, polls, matters, suggestions, contracts, topics):
    router.add_router("", part.router)
