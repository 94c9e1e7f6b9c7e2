from __future__ import annotations

from typing import Literal

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from unionhome import __version__

from . import auth, warmup
from .api import ErrorOut, local_iso
from .bounds import Id
from .errors import DomainError
from .notifications import inbox as inbox_of
from .notifications import mark_read, unread_count
from .openapi import refuses

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


@router.delete("/auth/token", response={204: None})
@refuses(400)
def token_delete(request):
    """Sign this app out: the bearer token the request carries ends now (400 for a page session,
    which signs out at /logout/)."""
    token = getattr(request, "bearer_token", None)
    if token is None:
        raise DomainError("not_a_token", _("此请求没有使用令牌：网页请在页面上退出登录"))
    auth.token_revoke(token, actor=request.user)
    return Status(204, None)


class DeviceOut(Schema):
    kind: Literal["session", "token"]
    id: int
    label: str
    since: str
    current: bool


@router.get("/me/devices", response=list[DeviceOut])
def my_devices(request):
    """Where the caller is signed in: browser sessions and app tokens, newest first."""
    return [
        {**vars(d), "since": local_iso(d.since)}
        for d in auth.devices(
            request.user,
            session_key=request.session.session_key if hasattr(request, "session") else None,
            token=getattr(request, "bearer_token", None),
        )
    ]


@router.delete("/me/devices/{kind}/{device_id}", response={204: None})
def my_device_end(request, kind: Literal["session", "token"], device_id: Id):
    """Sign one of one's own sessions or tokens out (404 for anyone else's)."""
    auth.device_end(request.user, kind=kind, pk=device_id)
    return Status(204, None)


class HealthOut(Schema):
    status: Literal["ready", "starting"]
    loaded: dict[str, bool]
    database: str
    version: str
    time: str


@router.get("/health", auth=None, response={200: HealthOut, 503: HealthOut})
def health(request):
    """Database reachability, and readiness: 200 `ready` once this process holds the appeal
    classifier and the assistant's index (core.warmup), 503 `starting` until then, so a load
    balancer sends members only to a process that answers at once."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    loaded = warmup.status()
    ready = all(loaded.values())
    body = {
        "status": "ready" if ready else "starting",
        "loaded": loaded,
        "database": connection.vendor,
        "version": __version__,
        "time": timezone.localtime().isoformat(),
    }
    return Status(200 if ready else 503, body)


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
    return {"unread": unread_count(request.user), "items": inbox_of(request.user, limit)}


@router.post("/me/notifications/read")
def inbox_read(request, id: Id | None = None):
    """Mark one notification (or, with no id, all) as read."""
    return {"marked": mark_read(request.user, id)}
