"""Logging in by phone number or username, lockout, and API bearer tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import rows, throttle
from .audit import log_action
from .errors import DomainError, NotFound
from .models import ApiToken, Org, RoleAssignment


class PhoneOrUsernameBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        User = get_user_model()
        user = User.objects.filter(Q(username=username) | Q(phone=username)).order_by("pk").first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle for usernames
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def load_user(user_id):
    """The user with the roles they hold, in one hand-written query (see core.rows): it runs on
    every logged-in request and API call that needs the user. `scoping.role_paths` and
    `role_grants` read the roles from here."""
    try:
        found = rows.fetch_all(_user_sql(), [int(user_id)])
    except (TypeError, ValueError):
        return None
    if not found:
        return None
    user = rows.instance(get_user_model(), found[0])
    user._role_cache = roles_from(found, rows.width(get_user_model()))
    return user


# The roles a user holds, as (role, org path, department), joined to a read of the user `u`;
# `scoping.role_paths` and `role_grants` read them from `user._role_cache`.
ROLE_COLUMNS = "r.role, ro.path, r.department"


def role_joins() -> str:
    return (
        f" LEFT JOIN {RoleAssignment._meta.db_table} r ON r.user_id = u.id"
        f" LEFT JOIN {Org._meta.db_table} ro ON ro.id = r.org_id"
    )


def roles_from(found: list[tuple], at: int) -> list[tuple]:
    return [tuple(row[at : at + 3]) for row in found if row[at] is not None]


@cache
def _user_sql() -> str:
    User = get_user_model()
    return (
        f"SELECT {rows.columns(User, 'u')}, {ROLE_COLUMNS} FROM {User._meta.db_table} u{role_joins()}"  # noqa: S608 — names from the models; values are bound
        " WHERE u.id = %s"
    )


# -- who is trying to log in, and how often --------------------------------------------------------
#
# Three limits, each on what it protects:
# - an account from one address: django-axes, AXES_FAILURE_LIMIT failures, keyed on the account
#   the typed name resolves to (`lockout_key`), so its phone and its username are one account;
# - an account from anywhere: past LOGIN_ACCOUNT_FAILURE_LIMIT failures in an hour, against
#   guessing spread over many addresses, the account refuses every address that has failed on it
#   (an address that has not, such as the owner's own phone, still gets in: nobody can lock a
#   member out from elsewhere);
# - an address across accounts: LOGIN_ADDRESS_FAILURE_LIMIT failures in the lockout window,
#   against trying one password on many accounts. The address is `throttle.address_key`: a
#   forwarded address is believed only from our own proxy, an IPv6 address counts by its /64.
# Every way in checks them: the login page, the token endpoint and the admin's login, the last
# through `LoginGateBackend`, the first authentication backend.


def _account_for(name: str):
    name = (name or "").strip()
    if not name:
        return None
    return get_user_model().objects.filter(Q(username=name) | Q(phone=name)).order_by("pk").first()


def lockout_key(request, credentials) -> str:
    """AXES_USERNAME_CALLABLE: the account a login names, however it was typed; a name that is no
    account is counted as typed (lower case), so guessing at names is limited too."""
    name = str((credentials or {}).get("username") or "")
    user = _account_for(name)
    return f"user:{user.pk}" if user is not None else name.strip().lower()[:150]


def _window() -> int:
    return int(settings.AXES_COOLOFF_TIME * 3600)


def login_gate(request, username: str) -> None:
    """Before a password is checked: refuse (429) while the address has used up its failures, or
    the account has and this address is one that failed on it."""
    address = throttle.address_key(request)
    if throttle.over("login.failed.address", address, limit=settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        raise throttle.Throttled(_window())
    account = lockout_key(request, {"username": username})
    if throttle.over("login.failed.account", account, limit=settings.LOGIN_ACCOUNT_FAILURE_LIMIT) and (
        throttle.count("login.failed.pair", f"{account}|{address}") > 0
    ):
        raise throttle.Throttled(3600)


def count_failure(sender, credentials, request=None, **kwargs) -> None:
    """On `user_login_failed`: one more failure for the address, the account, and the two."""
    if request is None:
        return
    address, account = throttle.address_key(request), lockout_key(request, credentials)
    throttle.hit(
        "login.failed.address", address, limit=settings.LOGIN_ADDRESS_FAILURE_LIMIT, window=_window()
    )
    throttle.hit("login.failed.account", account, limit=settings.LOGIN_ACCOUNT_FAILURE_LIMIT, window=3600)
    throttle.hit("login.failed.pair", f"{account}|{address}", limit=1, window=3600)


class LoginGateBackend:
    """First of AUTHENTICATION_BACKENDS: a login the limits refuse stops here, whichever page
    asked (the admin's login included); the pages that can say why check `login_gate` first.
    It authenticates nobody and has no `get_user`, so no session is ever tied to it."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None:
            try:
                login_gate(request, str(username or ""))
            except throttle.Throttled as exc:
                raise PermissionDenied(exc.message) from None
        return None


def lockout_response(request, credentials, *args, **kwargs):
    message = _("登录失败次数过多，账号已暂时锁定，请 %(minutes)d 分钟后再试") % {
        "minutes": settings.AXES_COOLOFF_TIME * 60
    }
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "message": message}, status=429)
    return render(request, "core/login.html", {"locked_message": message, "form": None}, status=429)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_issue(*, request: HttpRequest, username: str, password: str) -> str:
    login_gate(request, username)
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise DomainError("invalid_credentials", _("用户名或密码错误"), status=401)
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        digest=token_digest(token),
        label=device_label(request),
        expires_at=timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS),
    )
    log_action(user, "core.auth.token_issued", user)
    return token


def token_revoke(token: str, *, actor) -> bool:
    """End the token the caller holds (an app's 退出登录); True if it was live."""
    deleted, _ = ApiToken.objects.filter(digest=token_digest(token), user=actor).delete()
    if deleted:
        log_action(actor, "core.auth.token_revoked", actor)
    return bool(deleted)


# -- devices: the tokens and browser sessions a person is signed in with ------------------------


# What a phone or browser tells of itself, in words its owner recognises: the first match of each.
_APPS = (("MicroMessenger", "微信"), ("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"))
_SYSTEMS += (("Mac OS X", "Mac"), ("Linux", "Linux"))


def device_label(request) -> str:
    """ "Chrome · Android", "微信 · iPhone", or the start of whatever the client called itself."""
    agent = request.META.get("HTTP_USER_AGENT", "")
    app = next((name for key, name in _APPS if key in agent), "Safari" if "Safari/" in agent else "")
    system = next((name for key, name in _SYSTEMS if key in agent), "")
    label = " · ".join(part for part in (app, system) if part)
    return (label or agent.split(" ")[0] or _("未知设备"))[:100]


@dataclass(frozen=True)
class Device:
    kind: str  # "session" (a browser) or "token" (an app)
    id: int
    label: str
    since: dt.datetime
    current: bool


def devices(user, *, session_key: str | None = None, token: str | None = None) -> list[Device]:
    """Where `user` is signed in, newest first; `current` marks the caller's own session or token."""
    from .models import LoginSession

    now = timezone.now()
    found = [
        Device("session", s.pk, s.label, s.created_at, s.session_key == session_key)
        for s in LoginSession.objects.filter(user=user)
    ]
    digest = token_digest(token) if token else None
    found += [
        Device("token", t.pk, t.label, t.created_at, t.digest == digest)
        for t in ApiToken.objects.filter(user=user, expires_at__gt=now)
    ]
    return sorted(found, key=lambda d: d.since, reverse=True)


def device_end(user, *, kind: str, pk: int) -> None:
    """End one of `user`'s own sessions or tokens; anyone else's is not found."""
    from importlib import import_module

    from .models import LoginSession

    if kind == "token":
        deleted, _ = ApiToken.objects.filter(user=user, pk=pk).delete()
    else:
        row = LoginSession.objects.filter(user=user, pk=pk).first()
        deleted = 0
        if row is not None:
            import_module(settings.SESSION_ENGINE).SessionStore(session_key=row.session_key).delete()
            deleted, _ = LoginSession.objects.filter(pk=row.pk).delete()
    if not deleted:
        raise NotFound()
    log_action(user, "core.auth.device_ended", user, {"kind": kind})


def record_session(sender, request, user, **kwargs) -> None:
    """On login (the `user_logged_in` signal): remember the session so its person can end it."""
    from .models import LoginSession

    if request is None or not hasattr(request, "session"):
        return
    if request.session.session_key is None:
        request.session.save()
    LoginSession.objects.update_or_create(
        session_key=request.session.session_key, defaults={"user": user, "label": device_label(request)}
    )


def forget_session(sender, request, user, **kwargs) -> None:
    """On logout: the session is gone, and so is its row."""
    from .models import LoginSession

    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        LoginSession.objects.filter(session_key=key).delete()
