from __future__ import annotations

from django.db import connection
from django.utils import timezone
from ninja import Field, Router, Schema

from unionhome import __version__

from . import auth
from .api import ErrorOut, local_iso
from .bounds import Id
from .models import Notification
from .notifications import mark_read, unread_count

router = Router(tags=["core"])


class TokenIn(Schema):
    username: str = Field(..., min_length=1, max_length=150, description="username or phone number")
    password: str = Field(..., min_length=1, max_length=128)


class TokenOut(Schema):
    token: str


@router.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut})
def token(request, payload: TokenIn):
    """Exchange a username (or phone) and password for a bearer token."""
    return {"token": auth.token_issue(request=request, username=payload.username, password=payload.password)}


@router.get("/health", auth=None)
def health(request):
    """Liveness and database reachability, for load balancers and monitors."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {
        "status": "ok",
        "database": connection.vendor,
        "version": __version__,
        "time": timezone.localtime().isoformat(),
    }


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    url: str
    created_at: str | None
    read: bool

    @staticmethod
    def resolve_created_at(obj):
        return local_iso(obj.created_at)

    @staticmethod
    def resolve_read(obj):
        return obj.read_at is not None


class InboxOut(Schema):
    unread: int
    items: list[NotificationOut]


@router.get("/me/notifications", response=InboxOut)
def inbox(request, limit: int = 50):
    """The caller's in-app inbox, newest first."""
    items = list(Notification.objects.filter(user=request.user)[: max(1, min(limit, 200))])
    return {"unread": unread_count(request.user), "items": items}


@router.post("/me/notifications/read")
def inbox_read(request, id: Id | None = None):
    """Mark one notification (or, with no id, all) as read."""
    return {"marked": mark_read(request.user, id)}
