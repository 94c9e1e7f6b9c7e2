"""Pages rendered once per distinct set of inputs.

A member comes back to the same few pages many times a shift (the home page is where every task
ends), and what such a page shows depends on a handful of values: the language, 长辈版, the path,
the badge counts and a few fields of the member's own record. Rendering the template costs
several times more than reading those values, so `render_memo` reads them, and renders only when
this process has not already rendered the page for exactly those values. The key is the whole
input: a changed name, a new notice in the inbox or a switched language is a different key, so
nothing stale is ever shown and there is nothing to invalidate.

Two things differ between requests with the same inputs and are handled apart: the CSRF token
(the rendered token is swapped for a placeholder when stored and for this request's token when
served) and one-off messages (a page with messages waiting is always rendered afresh, which also
marks them read).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Hashable

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.translation import get_language

from .context_processors import shell_state

_TOKEN_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")([^"]+)(")')
_PLACEHOLDER = b"\x00csrf\x00"


class PageMemo:
    """A bounded least-recently-used store of rendered pages, per process and thread-safe."""

    def __init__(self, size: int = 4096):
        self.size = size
        self._pages: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: Hashable, page: bytes) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


MEMO = PageMemo()


def render_memo(request: HttpRequest, template: str, context: dict, key: tuple) -> HttpResponse:
    """`render(request, template, context)`, served from the memo when the page was already
    rendered for the same inputs. `key` must hold every value of `context` the template reads
    that the caller did not derive from constants; the shell's own inputs (language, 长辈版,
    path, badges, staff tab) are added here."""
    state = shell_state(request)
    full_key = (
        template,
        get_language(),
        getattr(request, "elder_mode", False),
        request.get_full_path(),
        state.unread,
        state.staff,
        key,
    )
    if len(get_messages(request)):
        return HttpResponse(render_to_string(template, context, request))
    page = MEMO.get(full_key)
    if page is None:
        page = render_to_string(template, context, request).encode()
        MEMO.put(full_key, _TOKEN_FIELD.sub(rb"\1" + _PLACEHOLDER + rb"\3", page))
    else:
        page = page.replace(_PLACEHOLDER, get_token(request).encode())
    return HttpResponse(page)
