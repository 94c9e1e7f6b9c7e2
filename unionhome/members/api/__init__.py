"""Members API: the caller's own record, joining, transfers, the e-card check, and staff endpoints
scoped to the caller's org subtree; one router for the API to mount."""

from ninja import Router

from . import joining, me, roster, staff, transfers

router = Router(tags=["members"])
for part in (me, joining, transfers, staff, roster):
    router.add_router("", part.router)
