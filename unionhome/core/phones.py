"""Mainland mobile numbers as people type them: spaces, dashes, a +86 in front, full-width
digits from a Chinese keyboard."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

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


def phone_field(**kwargs) -> forms.CharField:
    """The box for a mobile number: the phone's number pad, the browser's autofill."""
    return forms.CharField(
        label=_l("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        **kwargs,
    )


def code_field(**kwargs) -> forms.CharField:
    """The box for a texted code: digits, filled from the SMS where the phone offers it."""
    return forms.CharField(
        label=_l("短信验证码"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        **kwargs,
    )


def show_demo_code(request, code: str | None) -> None:
    """On a demo machine with no SMS gateway (core.otp hands the code back), show it."""
    if code:
        messages.warning(request, _("演示环境没有短信网关，验证码是 %(code)s") % {"code": code})
