"""What the figures' callers share: the org asked for, in the caller's scope, and the period."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core.errors import DomainError, NotFound
from unionhome.core.models import Org
from unionhome.core.scoping import require_staff, visible_orgs

from .figures import Period


def org_for(user, org_id: int | None) -> Org:
    """The org asked for when the caller holds a staff role over it (404 otherwise, as for one
    that does not exist); without one, the highest the caller holds."""
    require_staff(user)
    orgs = visible_orgs(user)
    org = orgs.filter(pk=org_id).first() if org_id else orgs.order_by("path").first()
    if org is None:
        raise NotFound()
    return org


def period_of(start: dt.date | None, end: dt.date | None) -> Period:
    """Default: this year so far."""
    today = timezone.localdate()
    start = start or today.replace(month=1, day=1)
    end = end or today
    if start > end:
        raise DomainError("invalid", _("开始日期不能晚于结束日期"), fields={"from": _("不能晚于结束日期")})
    return Period(start, end)
