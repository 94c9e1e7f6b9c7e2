"""Logging in by phone number or username, lockout, and API bearer tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import log_action
from .errors import DomainError
from .models import ApiToken


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


def lockout_response(request, credentials, *args, **kwargs):
    message = _("登录失败次数过多，账号已暂时锁定，请 %(minutes)d 分钟后再试") % {
        "minutes": settings.AXES_COOLOFF_TIME * 60
    }
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "message": message}, status=429)
    return render(request, "core/login.html", {"locked_message": message, "form": None}, status=429)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_issue(*, request: HttpRequest, username: str, password: str) -> str:
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise DomainError("invalid_credentials", _("用户名或密码错误"), status=401)
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        digest=_digest(token),
        expires_at=timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS),
    )
    log_action(user, "core.auth.token_issued", user)
    return token


def token_user(token: str):
    row = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(token), expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
    return row.user if row else None
