"""What the figures' callers share: the period asked for."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core.errors import DomainError

from .figures import Period


def period_of(start: dt.date | None, end: dt.date | None) -> Period:
    """Default: this year so far."""
    today = timezone.localdate()
    start = start or today.replace(month=1, day=1)
    end = end or today
    if start > end:
        raise DomainError("invalid", _("开始日期不能晚于结束日期"), fields={"from": _("不能晚于结束日期")})
    return Period(start, end)
