"""The API's shared pieces: authentication, the error format and its translation.

Every error is JSON `{"code", "message", "fields"?}` with a 4xx status; messages follow the
caller's language (Chinese unless they chose English)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer

from .auth import load_user
from .errors import DomainError

log = logging.getLogger("unionhome.api")


class Caller(Protocol):
    """What a token reader answers: at least whose the token is."""

    user_id: int


class BearerAuth(HttpBearer):
    """`request.auth` is the user's id and `request.identity` what `read(token)` answers (the
    members app's reader adds the membership, from the same query); `request.user` loads the
    user only when an endpoint uses it. The reader is handed in by the composition root
    (unionhome/api.py): the kernel reads no app's tables."""

    def __init__(self, read: Callable[[str], Caller | None]):
        super().__init__()
        self.read = read

    def authenticate(self, request: HttpRequest, token: str):
        identity = self.read(token)
        if identity is None:
            return None
        request.user = SimpleLazyObject(lambda: load_user(identity.user_id))
        request.identity = identity
        request.bearer_token = token  # for `DELETE /auth/token` and the list of one's devices
        return identity.user_id


def caller_identity(request):
    """The bearer caller's user and membership, read with the token (no further query); None
    for a page session."""
    return getattr(request, "identity", None)


class SessionAuth(APIKeyCookie):
    """The pages' session, with Django's CSRF check on unsafe methods. A request with no logged-in
    session (an app whose token died, a stranger) is not a session's request: it hears 401, not a
    complaint about a CSRF token it never had reason to send."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


class ObjectParser(Parser):
    """Every body this API takes is a JSON object. Anything else (a list, a string, null) is
    refused as unreadable: the framework would otherwise read a list's missing attributes as
    absent fields and accept `[null, null]` as an empty change."""

    def parse_body(self, request: HttpRequest):
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("the body is not a JSON object")
        return data


class Created(Schema):
    """What a POST that makes a record answers when the record's id is all the caller needs."""

    id: int


class ErrorOut(Schema):
    """Every error answer (4xx, and the 500 that should never happen): a code for programs, a
    message for people, and for a form a reason per field."""

    code: str
    message: str
    fields: dict[str, str] | None = None


def _pydantic_message(error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("必填")
    if kind == "string_too_short":
        return _("至少 %(n)s 个字") % {"n": ctx.get("min_length")}
    if kind == "string_too_long":
        return _("最多 %(n)s 个字") % {"n": ctx.get("max_length")}
    if kind in ("string_type",):
        return _("应为文字")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("应为整数")
    if kind in ("float_parsing", "float_type", "decimal_parsing", "decimal_type", "finite_number"):
        return _("应为数字")
    if kind == "decimal_max_places":
        return _("最多 %(n)s 位小数") % {"n": ctx.get("decimal_places")}
    if kind in ("decimal_max_digits", "decimal_whole_digits"):
        return _("数值太大")
    if kind in ("bool_parsing", "bool_type"):
        return _("应为是或否")
    if kind.startswith("date") and "time" not in kind:
        return _("日期格式应为 2024-03-01")
    if kind.startswith("datetime"):
        return _("时间格式应为 2024-03-01T09:30:00+08:00")
    if kind in ("literal_error", "enum"):
        return _("不是可选的值：%(opts)s") % {"opts": ctx.get("expected", "")}
    if kind in ("greater_than_equal", "greater_than"):
        return _("数值太小")
    if kind in ("less_than_equal", "less_than"):
        return _("数值太大")
    if kind == "value_error":
        return str(ctx.get("error", "")) or _("格式不正确")
    if kind == "json_invalid":
        return _("请求内容不是有效的 JSON")
    return _("格式不正确")


def _field_name(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "file", "payload", "data")]
    return ".".join(parts) or "body"


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return api.create_response(request, exc.body(), status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc: NinjaValidationError):
        fields: dict[str, str] = {}
        for error in exc.errors:
            fields.setdefault(_field_name(tuple(error.get("loc", ()))), _pydantic_message(error))
        body = {"code": "invalid", "message": _("请检查填写的内容"), "fields": fields}
        return api.create_response(request, body, status=422)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(request, {"code": "unauthenticated", "message": _("请先登录")}, status=401)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"code": "not_found", "message": _("找不到该记录")}, status=404)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        code, message = {
            400: ("bad_request", _("请求内容无法读取：应为 JSON 对象")),
            403: ("forbidden", _("页面已过期，请刷新后再试")),
            404: ("not_found", _("找不到该记录")),
            405: ("method_not_allowed", _("不支持此操作")),
            413: ("too_large", _("请求内容太大")),
        }.get(exc.status_code, ("error", str(exc)))
        return api.create_response(request, {"code": code, "message": message}, status=exc.status_code)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return api.create_response(request, {"code": "forbidden", "message": _("无权访问")}, status=403)

    @api.exception_handler(MultiPartParserError)
    def bad_form(request, exc):
        # A multipart body with no boundary, or cut short: the caller's fault, said as such.
        return api.create_response(
            request, {"code": "bad_request", "message": _("上传的表单无法读取")}, status=400
        )

    @api.exception_handler(SuspiciousOperation)
    def bad_request(request, exc):
        # Too many fields, a body too large to read, a forged session: Django's 400, in JSON.
        return api.create_response(request, {"code": "bad_request", "message": _("请求有误")}, status=400)

    @api.exception_handler(Exception)
    def server_error(request, exc):
        """Whatever breaks in a handler: logged with its traceback, reported like any request's
        exception (the signal), and answered in the API's format, never as an HTML page."""
        log.error("Unhandled error in %s %s", request.method, request.path, exc_info=exc)
        got_request_exception.send(sender=None, request=request)
        return api.create_response(request, server_error_body(), status=500)


def server_error_body() -> dict:
    return {"code": "server_error", "message": _("服务器出错了，请稍后再试")}


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def django_server_error(request):
    """Django's handler500: what fails outside a handler (authentication, middleware) under
    /api/ is answered in JSON too; pages get the page."""
    if _is_api(request):
        return JsonResponse(server_error_body(), status=500, json_dumps_params={"ensure_ascii": False})
    from .views import error_500

    return error_500(request)


def django_not_found(request, exception=None):
    """Django's handler404: an /api/ path no route matches (or an id its converter refuses)
    answers JSON like the API's own 404."""
    if _is_api(request):
        body = {"code": "not_found", "message": _("找不到该记录")}
        return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})
    from .views import error_404

    return error_404(request, exception)


def local_iso(value) -> str | None:
    """Times are stored in UTC and shown in Asia/Shanghai."""
    return timezone.localtime(value).isoformat() if value else None


def staff_org(request, org_id: int | None):
    """The union a staff member's new record belongs to: the one named (if theirs), else their own."""
    from .scoping import get_scoped, home_org, require_staff, visible_orgs

    require_staff(request.user)
    if org_id:
        return get_scoped(visible_orgs(request.user), request.user, field="", pk=org_id)
    org = home_org(request.user)
    if org is None:
        raise DomainError("invalid", _("没有所属工会"), fields={"org": _("必填")})
    return org
