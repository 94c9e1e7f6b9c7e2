"""A few hot API endpoints answered before Django's middleware and URL resolver.

When a limited offer opens, thousands of members press the button in the same second; members
on shift send their appeals and poll their status from the app. The work of these calls is a
few indexed statements, but the full request path (fifteen middleware, the URL resolver, the
framework's parsing, response validation and rendering) cost as much again or more: on the
benchmark's machine the framework path misses the member-facing targets that this path meets
(docs/benchmarks.md, `FAST_PATH=0`), and only those routes are served here.

A route registered here is served by the WSGI application directly when the request carries a
bearer token, with the framework's own pieces: the token read by the same reader as the API's
bearer authentication (handed in by unionhome/wsgi.py), the host and HTTPS judged by Django's
request (`_checked`), the language by the middleware's rule, the headers of Django's answers
(`common_headers`, plus the middleware's Cache-Control and Vary), the same service functions
and the same error bodies (`DomainError.body`, `core.api.server_error_body`). Every other
request — a page session, a missing or bad token, a body the handler leaves to the framework
(`Fallback`) — goes through Django unchanged, which also answers the 401 and the 422. The
ordinary routes stay registered (OpenAPI, the test client, ASGI), and
tests/core/test_fastpath_parity.py holds every route of `ROUTES` to the framework's answers."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable
from functools import cached_property
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.db import close_old_connections
from django.http.cookie import parse_cookie
from django.utils import translation

from .api import server_error_body
from .auth import load_user
from .errors import DomainError
from .guard import guarded
from .middleware import LANG_COOKIE, LANGUAGE_VARY, PRIVATE, chosen_language

log = logging.getLogger("django.request")

Handler = Callable[..., tuple[int, dict]]
ROUTES: list[tuple[str, re.Pattern, Handler, bool]] = []


class Fallback(Exception):  # noqa: N818 — not an error: a hand-over
    """Raised by a handler (or by `FastRequest.body`) to let Django answer the request instead,
    e.g. with the framework's field-level 422 for a body that does not validate."""


class FastRequest:
    """What a fast handler gets: the WSGI environ, the caller's identity (read with the token),
    the user (loaded on first use) and the body."""

    def __init__(self, environ: dict, identity, user=None):
        self.environ = environ
        self.identity = identity
        if user is not None:
            self.__dict__["user"] = user

    @cached_property
    def user(self):
        return load_user(self.identity.user_id)

    @cached_property
    def body(self) -> bytes:
        """The JSON body, at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes (anything else is Django's)."""
        environ = self.environ
        if not environ.get("CONTENT_TYPE", "").startswith("application/json"):
            raise Fallback
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise Fallback from None
        if length < 0 or length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise Fallback
        data = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(data)  # still readable by Django after a Fallback
        return data


def route(method: str, pattern: str, *, user: bool = False) -> Callable[[Handler], Handler]:
    """Serve `handler(request, **groups) -> (status, body)` for bearer calls to `pattern`; the
    handler raises `Fallback` for a request it leaves to Django. With `user`, the user and their
    roles are read with the token, in the same query (`request.user`)."""

    def register(handler: Handler) -> Handler:
        ROUTES.append((method, re.compile(pattern), handler, user))
        return handler

    return register


def _bearer(environ: dict) -> str | None:
    scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _language(environ: dict) -> str:
    return chosen_language(parse_cookie(environ.get("HTTP_COOKIE", "")).get(LANG_COOKIE))


def _checked(environ: dict) -> bool | None:
    """Django's own answer to "may this host be served, and over HTTPS?" (its request's
    `get_host` and `is_secure`, so ALLOWED_HOSTS and SECURE_PROXY_SSL_HEADER mean here what they
    mean to it): whether the request is secure, or None for a host Django would refuse."""
    request = WSGIRequest(environ)
    try:
        request.get_host()
    except DisallowedHost:
        return None
    return request.is_secure()


class FastPathApp:
    """Wraps the Django WSGI application."""

    # Headers whose value belongs to one answer, not to every API answer.
    PER_ANSWER = {"content-length", "content-type", "content-language", "vary", "set-cookie", "cache-control"}

    def __init__(self, app, *, identity: Callable, caller: Callable):
        """`identity(token)`: who the token speaks for, or None; `caller(token)`: that and the
        user in one query, `(identity, user)` or None. Both are the members app's readers,
        handed in by the composition root (unionhome/wsgi.py)."""
        self.app = app
        self.identity = identity
        self.caller = caller
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
        for route_method, pattern, handler, with_user in ROUTES:
            if method != route_method:
                continue
            match = pattern.fullmatch(path)
            if match is None:
                continue
            token = _bearer(environ)
            secure = _checked(environ) if token is not None else None
            if secure is None or (settings.SECURE_SSL_REDIRECT and not secure):
                break  # Django answers: 401, 400 for a bad host, or the redirect to HTTPS
            headers = self.common_headers(environ, secure)
            answered = self._serve(
                environ, start_response, token, handler, match.groupdict(), headers, with_user
            )
            if answered is not None:
                return answered
            break
        return self.app(environ, start_response)

    def _serve(self, environ, start_response, token, handler, kwargs, common, with_user):
        # Of what Django does around a request, only this matters here: a connection that broke
        # or outlived DB_CONN_MAX_AGE is replaced (the signals' other receivers reset the URLconf,
        # caches and the debug query log, none of which this path touches).
        close_old_connections()
        language = _language(environ)
        translation.activate(language)
        try:
            caller = self.caller(token) if with_user else (self.identity(token), None)
            if caller is None or caller[0] is None:
                return None  # Django answers the 401
            try:
                with guarded():  # core.guard, as ScopeGuardMiddleware does for Django's path
                    status, body = handler(FastRequest(environ, *caller), **kwargs)
            except Fallback:
                return None
            except DomainError as exc:
                status, body = exc.status, exc.body()
            except Exception:
                log.exception("Internal Server Error: %s", environ.get("PATH_INFO"))
                status, body = 500, server_error_body()
            payload = json.dumps(body, ensure_ascii=False).encode()
        finally:
            translation.deactivate()
        headers = [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Cache-Control", PRIVATE),  # an answer to a bearer token: core.middleware's rule
            *common,
            ("Content-Language", language),
            ("Vary", ", ".join(LANGUAGE_VARY)),  # core.middleware's: the words follow the cookie
            ("Content-Length", str(len(payload))),
        ]
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [payload]
