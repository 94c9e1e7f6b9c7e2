"""A few hot API endpoints answered before Django's middleware and URL resolver.

When a limited offer opens, thousands of members press the button in the same second. Their
claim itself is two indexed statements, and once the offer is sold out a refusal needs none —
but the full request path (twelve middleware, a URL resolver scanning every API route, the
framework's parsing and rendering) costs several times that. The endpoints registered here are
served by the WSGI application directly when the request carries a bearer token, with the same
service function, the same JSON bodies and status codes, and the same response headers as the
ordinary route; every other request — a page session, a missing or bad token — goes through
Django unchanged, which also answers the 401. The ordinary route stays registered (OpenAPI, the
test client, ASGI) and `tests/activities/test_fastpath.py` holds the two to the same answers.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

from django.conf import settings
from django.db import close_old_connections
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host
from django.utils import translation
from django.utils.translation import gettext as _

from .auth import Identity, token_identity
from .errors import DomainError
from .middleware import LANG_COOKIE, chosen_language

log = logging.getLogger("django.request")

Handler = Callable[..., tuple[int, dict]]
ROUTES: list[tuple[str, re.Pattern, Handler]] = []


@dataclass(frozen=True)
class FastRequest:
    environ: dict
    identity: Identity


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    """Serve `handler(request, **groups) -> (status, body)` for bearer calls to `pattern`."""

    def register(handler: Handler) -> Handler:
        ROUTES.append((method, re.compile(pattern), handler))
        return handler

    return register


def _bearer(environ: dict) -> str | None:
    scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _language(environ: dict) -> str:
    return chosen_language(parse_cookie(environ.get("HTTP_COOKIE", "")).get(LANG_COOKIE))


def _secure(environ: dict) -> bool:
    if settings.SECURE_PROXY_SSL_HEADER:
        header, value = settings.SECURE_PROXY_SSL_HEADER
        return environ.get(header, "").split(",")[0].strip() == value
    return environ.get("wsgi.url_scheme") == "https"


def _host_allowed(environ: dict) -> bool:
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    domain, _port = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS or ([".localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else [])
    return bool(domain) and validate_host(domain, allowed)


class FastPathApp:
    """Wraps the Django WSGI application."""

    # Headers whose value belongs to one answer, not to every API answer.
    PER_ANSWER = {"content-length", "content-type", "content-language", "vary", "set-cookie"}

    def __init__(self, app):
        self.app = app
        self._headers: dict[bool, list[tuple[str, str]]] = {}

    def common_headers(self, environ: dict, secure: bool) -> list[tuple[str, str]]:
        """The headers the middleware puts on every API answer (security, framing, content
        policy), read once per scheme from Django's own answer to the health check."""
        headers = self._headers.get(secure)
        if headers is None:
            probe = {
                **{k: v for k, v in environ.items() if k in ("SERVER_NAME", "SERVER_PORT", "HTTP_HOST")},
                "REQUEST_METHOD": "GET",
                "PATH_INFO": "/api/v1/health",
                "QUERY_STRING": "",
                "wsgi.input": io.BytesIO(),
                "wsgi.url_scheme": "https" if secure else "http",
            }
            if secure and settings.SECURE_PROXY_SSL_HEADER:
                probe[settings.SECURE_PROXY_SSL_HEADER[0]] = settings.SECURE_PROXY_SSL_HEADER[1]
            seen: list = []
            for _chunk in self.app(probe, lambda status, hdrs, exc_info=None: seen.extend(hdrs)):
                pass
            headers = [(k, v) for k, v in seen if k.lower() not in self.PER_ANSWER]
            self._headers[secure] = headers
        return headers

    def __call__(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        for route_method, pattern, handler in ROUTES:
            if method != route_method:
                continue
            match = pattern.fullmatch(path)
            if match is None:
                continue
            token = _bearer(environ)
            secure = _secure(environ)
            if token is None or not _host_allowed(environ) or (settings.SECURE_SSL_REDIRECT and not secure):
                break  # Django answers: 401, 400 for a bad host, or the redirect to HTTPS
            headers = self.common_headers(environ, secure)
            answered = self._serve(environ, start_response, token, handler, match.groupdict(), headers)
            if answered is not None:
                return answered
            break
        return self.app(environ, start_response)

    def _serve(self, environ, start_response, token, handler, kwargs, common):
        # Of what Django does around a request, only this matters here: a connection that broke
        # or outlived DB_CONN_MAX_AGE is replaced (the signals' other receivers reset the URLconf,
        # caches and the debug query log, none of which this path touches).
        close_old_connections()
        language = _language(environ)
        translation.activate(language)
        try:
            identity = token_identity(token)
            if identity is None:
                return None  # Django answers the 401
            try:
                status, body = handler(FastRequest(environ, identity), **kwargs)
            except DomainError as exc:
                status, body = exc.status, exc.body()
            except Exception:
                log.exception("Internal Server Error: %s", environ.get("PATH_INFO"))
                status, body = 500, {"code": "error", "message": _("服务器出错了，请稍后再试")}
            payload = json.dumps(body, ensure_ascii=False).encode()
        finally:
            translation.deactivate()
        headers = [
            ("Content-Type", "application/json; charset=utf-8"),
            *common,
            ("Content-Language", language),
            ("Content-Length", str(len(payload))),
        ]
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [payload]
