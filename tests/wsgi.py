"""Calling the production WSGI application (with its fast path, core.fastpath) directly, as a
server would, and comparing its answers with the framework's ordinary route."""

from __future__ import annotations

import io
import json
from unittest import mock

from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections

from unionhome.core.fastpath import FastPathApp

SECURITY_HEADERS = (
    "Content-Type",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "X-Frame-Options",
    "Content-Security-Policy",
    "Content-Language",
    "Cache-Control",
    "Vary",
)


class Recorder(WSGIHandler):
    """Django's WSGI application, counting the requests that reach it."""

    calls = 0

    def __call__(self, environ, start_response):
        type(self).calls += 1
        return super().__call__(environ, start_response)


def fast_app() -> FastPathApp:
    Recorder.calls = 0
    from unionhome.members.identity import token_caller, token_identity

    return FastPathApp(Recorder(), identity=token_identity, caller=token_caller)


def call(
    app,
    path: str,
    headers: dict | None = None,
    method: str = "POST",
    host: str = "testserver",
    body: bytes = b"",
    content_type: str = "application/json",
):
    """(status, JSON or bytes, headers) of one request."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": host,
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": content_type,
        **(headers or {}),
    }
    seen = {}

    def start_response(status, hdrs, exc_info=None):
        seen["status"] = int(status.split()[0])
        seen["headers"] = dict(hdrs)

    # As Django's test client does: the test's transaction must survive the request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with mock.patch("unionhome.core.fastpath.close_old_connections"):
            answer = b"".join(app(environ, start_response))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    is_json = seen["headers"].get("Content-Type", "").startswith("application/json")
    return seen["status"], json.loads(answer) if is_json else answer, seen["headers"]
