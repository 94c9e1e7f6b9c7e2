"""Where the platform may send a member: the one rule for every stored link it renders (a notice's
link, an inbox row) and every `next` it redirects to.

A link is safe when it is a path on this site, or an https address on a host the operator listed
in LINK_ALLOWED_HOSTS. Browsers read a backslash as a slash, so `/\\evil.example/` is
`//evil.example/`, another site; Django's own check catches that one but lets `/%5Cevil.example`
through, which a proxy or a later redirect may decode. So no backslash is accepted, raw or encoded,
nor any control character or whitespace (a header split, or a scheme hidden behind a tab)."""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

MAX_LENGTH = 2000
# Encoded backslash anywhere; encoded control characters; an encoded slash right after the first.
_ENCODED = re.compile(r"%5c|%[01][0-9a-f]|%7f|^/%2f", re.IGNORECASE)


def safe_link(value: str | None) -> bool:
    """True when `value` is a same-site path ("/…", not "//…") or https on a listed host.

    1. Only text, of a sane length, with no backslash, control character or whitespace, raw or
       percent-encoded.
    2. A path: starts with exactly one "/" and Django finds no host or scheme in it.
    3. Otherwise an absolute https address whose host is in LINK_ALLOWED_HOSTS."""
    if not isinstance(value, str) or not value or len(value) > MAX_LENGTH:
        return False
    if "\\" in value or _ENCODED.search(value):
        return False
    if any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in value):
        return False
    if value.startswith("/"):
        return value[1:2] != "/" and url_has_allowed_host_and_scheme(value, allowed_hosts=None)
    hosts = set(getattr(settings, "LINK_ALLOWED_HOSTS", ()))
    return (
        bool(hosts)
        and value.lower().startswith("https://")
        and url_has_allowed_host_and_scheme(value, allowed_hosts=hosts, require_https=True)
    )


def link_refusal() -> str:
    """What a person is told when a link is refused (a field-level reason)."""
    return gettext("只能链接到本站页面或允许的网站")


def validate_link(value: str) -> None:
    """A form field validator: empty is left to `required`, anything else must be safe."""
    if value and not safe_link(value):
        raise ValidationError(link_refusal(), code="unsafe_link")


def link_or(value: str | None, default: str = "") -> str:
    """`value` when it is safe to render or redirect to, else `default`."""
    return value if value and safe_link(value) else default
