"""One-time codes sent by SMS to a phone number: to prove that a person holds the phone they
give (before an account is made for it), or that the phone on a roster entry agrees to a claim
on that entry.

A code is six digits. Only its digest is kept, in core.limits, for OTP_MINUTES; it may be tried
OTP_ATTEMPTS times (each try counted atomically, and standing whatever happens to the request),
then it is void. Sending is limited per address and per target. A code
is never written to the log: where no SMS gateway is configured and SMS_DEV_ECHO is set (a demo
or a developer's machine), `send` hands the code back to be shown on the page instead."""

from __future__ import annotations

import hmac
import logging
import secrets

from django.conf import settings
from django.utils.translation import gettext as _

from . import limits, throttle
from .crypto import digest
from .errors import DomainError

log = logging.getLogger("unionhome.otp")

SENDS_PER_TARGET = 5  # an hour: enough for a slow SMS and two retries, too few to bomb a phone
SENDS_PER_ADDRESS = 20


class SmsUnavailable(DomainError):
    status = 503

    def __init__(self):
        super().__init__("sms_unavailable", _("短信暂时发不出去，请稍后再试，或到工会服务站办理"))


def _key(purpose: str, target: str) -> str:
    return f"otp:{purpose}:{digest(str(target))}"


def send(
    *, purpose: str, target: str, phone: str, text: str, address: str, queued: bool = False
) -> str | None:
    """Make a code for (`purpose`, `target`), text it to `phone` and return None; or, on a demo
    machine without a gateway, return the code. `text` holds `%(code)s`. Raises `Throttled`
    past the limits, `SmsUnavailable` when there is no way to deliver it.

    `queued`: the code is made and texted by the task queue after the request (`deliver`), so
    the request takes no longer for it. For a text to a phone the asker does not hold (a roster
    entry's), where the gateway's time would tell a stranger that the entry exists."""
    throttle.require(f"otp.send.{purpose}", target, limit=SENDS_PER_TARGET, window=3600)
    throttle.require("otp.send.address", address, limit=SENDS_PER_ADDRESS, window=3600)
    if queued and settings.SMS_GATEWAY_URL:
        from .outbox import later
        from .tasks import send_code

        later(send_code, purpose, target, phone, text)  # the code itself is made in the task
        return None
    return deliver(purpose=purpose, target=target, phone=phone, text=text)


def send_to_account(*, exists: bool, purpose: str, phone: str, text: str, address: str) -> str | None:
    """A code for logging in or resetting a password: texted only when the phone has an account,
    but counted and answered the same either way (and sent after the request), so neither the
    answer nor its time tells a stranger whether a number is registered."""
    if not exists:
        throttle.require(f"otp.send.{purpose}", phone, limit=SENDS_PER_TARGET, window=3600)
        throttle.require("otp.send.address", address, limit=SENDS_PER_ADDRESS, window=3600)
        return None
    return send(purpose=purpose, target=phone, phone=phone, text=text, address=address, queued=True)


def deliver(*, purpose: str, target: str, phone: str, text: str) -> str | None:
    """Make the code and text it (see `send`, which checks the limits first)."""
    code = f"{secrets.randbelow(10**6):06d}"
    limits.store().put(_key(purpose, target), digest(code), settings.OTP_MINUTES * 60)
    throttle.forget(f"otp.try.{purpose}", target)
    if settings.SMS_GATEWAY_URL:
        from .http import post_json

        try:
            post_json(
                settings.SMS_GATEWAY_URL, {"to": phone, "title": "", "body": text % {"code": code}, "url": ""}
            )
        except OSError as exc:
            log.warning("sms gateway failed for a %s code: %s", purpose, exc.__class__.__name__)
            raise SmsUnavailable() from exc
        return None
    if settings.SMS_DEV_ECHO:
        return code
    raise SmsUnavailable()


def verify(*, purpose: str, target: str, code: str) -> bool:
    """Whether `code` is the live code for (`purpose`, `target`). A right code is used up; each
    wrong one counts, and past OTP_ATTEMPTS the code is void, right or not."""
    store = limits.store()
    key = _key(purpose, target)
    stored = store.get(key)
    if stored is None:
        return False
    if not throttle.hit(
        f"otp.try.{purpose}", target, limit=settings.OTP_ATTEMPTS, window=settings.OTP_MINUTES * 60
    ):
        store.forget(key)
        return False
    if not hmac.compare_digest(stored, digest(str(code or "").strip())):
        return False
    store.forget(key)
    return True
