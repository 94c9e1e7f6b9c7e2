"""Per-request preferences: language and 长辈版 (elder mode).

Both persist per browser (a cookie) and, for a logged-in person, per user, so that a member who
switched 长辈版 on at home finds it on at the station kiosk too."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .guard import guarded

ELDER_COOKIE = "uh_elder"
LANG_COOKIE = settings.LANGUAGE_COOKIE_NAME
SUPPORTED = {code for code, _ in settings.LANGUAGES}


def chosen_language(cookie: str | None) -> str:
    """The language of the cookie if we have it, else Chinese."""
    return cookie if cookie in SUPPORTED else settings.LANGUAGE_CODE


# What an answer's words depend on besides its URL: the language cookie.
LANGUAGE_VARY = ("Cookie",)


class LanguageMiddleware:
    """Chinese unless the person chose otherwise; the browser's Accept-Language is not used,
    because most members' phones are set to Chinese anyway and staff want one predictable default.
    Every answer says it varies by the cookie that chose its language (the fast path too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code = chosen_language(request.COOKIES.get(LANG_COOKIE))
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", code)
        patch_vary_headers(response, LANGUAGE_VARY)
        translation.deactivate()
        return response


class ScopeGuardMiddleware:
    """Every request is answered with the scope guard on (core.guard): an org-scoped model read
    without a door in core.scoping fails instead of answering. The admin site, open to active
    superusers only, reads without it."""

    def __init__(self, get_response):
        self.get_response = get_response
        from django.urls import reverse

        self.admin_prefix = reverse("admin:index")

    def __call__(self, request):
        with guarded(not request.path_info.startswith(self.admin_prefix)):
            return self.get_response(request)


class ElderModeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cookie = request.COOKIES.get(ELDER_COOKIE)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # The per-user setting follows the person; a cookie set after login on this browser
            # has already been written through to the user (see core.views.set_elder_mode).
            request.elder_mode = user.elder_mode
        else:
            request.elder_mode = cookie == "1"
        return self.get_response(request)


class DomainErrorMiddleware:
    """A page that lets a domain error escape shows it like Django's own error pages: NotFound is
    a 404 (outsiders cannot tell a record exists), Forbidden a 403, anything else a 400 with the
    message. The API has its own handlers (core.api)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render
        from django.utils.translation import gettext as _

        from .errors import DomainError, Forbidden, NotFound

        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotFound):
            from .views import error_404

            return error_404(request)
        title = _("无权访问") if isinstance(exception, Forbidden) else _("无法办理")
        return render(
            request,
            "core/error.html",
            {"title": title, "message": exception.message},
            status=exception.status,
        )


PRIVATE = "private, no-store"


class PrivateAnswersMiddleware:
    """What a signed-in person is shown is theirs: `Cache-Control: private, no-store` on every
    answer to a request with a session or a bearer token, unless the view chose its own (a news
    picture). No shared cache keeps it, and no browser writes an ID number, an export or a revealed
    bank account to disk. The fast path (core.fastpath) sends the same header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response and _signed_in(request):
            response["Cache-Control"] = PRIVATE
        return response


def _signed_in(request) -> bool:
    if request.META.get("HTTP_AUTHORIZATION"):
        return True
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated
