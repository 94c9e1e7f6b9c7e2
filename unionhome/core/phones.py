"""Mainland mobile numbers as people type them: spaces, dashes, a +86 in front, full-width
digits from a Chinese keyboard."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９＋", "0123456789+")


def normalise_phone(value: str) -> str:
    value = (value or "").translate(_FULL_WIDTH).strip().replace(" ", "").replace("-", "")
    if value.startswith("+86"):
        value = value[3:]
    return value


def phone_error(value: str) -> str | None:
    if not PHONE_RE.match(normalise_phone(value)):
        return _("手机号应为11位数字，以1开头")
    return None
