"""Background work of the kernel. Tasks take ids, fetch, and call a service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import notifications


@db_task(retries=3, retry_delay=30)
def deliver_notifications(ids: list[int], channels: list[str], secret: bool = False) -> int:
    return notifications.deliver(ids, channels, secret=secret)


@db_periodic_task(crontab())
def relay_outbox() -> int:
    """Every minute, a safety net for the worker's relay thread (core.outbox)."""
    from .outbox import relay

    return relay()


@db_task(retries=2, retry_delay=20)
def send_code(purpose: str, target: str, phone: str, text: str) -> None:
    """A one-time code made and texted after the request that asked for it (core.otp.send)."""
    from . import otp

    otp.deliver(purpose=purpose, target=target, phone=phone, text=text)


@db_task(retries=3, retry_delay=60)
def send_text(phone: str, body: str) -> None:
    """A text to a phone that has no account yet (core.notifications.text_phone)."""
    notifications.text_deliver(phone, body)


@db_periodic_task(crontab(hour="3", minute="17"))
def purge_expired_tokens() -> int:
    from django.utils import timezone

    from .models import ApiToken

    deleted, _ = ApiToken.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted


@db_periodic_task(crontab(hour="3", minute="41"))
def purge_old_audit_entries() -> int:
    """Enforce the audit retention period, never shorter than the six months the law asks for."""
    import datetime as dt

    from django.conf import settings
    from django.utils import timezone

    from .models import AuditLog

    days = max(settings.AUDIT_RETENTION_DAYS, 183)
    deleted, _ = AuditLog.objects.filter(at__lt=timezone.now() - dt.timedelta(days=days)).delete()
    return deleted
