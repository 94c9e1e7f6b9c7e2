"""The appeals' panels on the chair's desk (core.panels): urgent appeals still open, and those
past their deadline."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core.panels import Panel, Row

from .models import OPEN_STATUSES
from .selectors import staff_appeals

SHOWN = 5


def urgent_appeals(user) -> Panel:
    qs = staff_appeals(user).filter(status__in=OPEN_STATUSES, urgent=True).order_by("received_at")
    return Panel(
        _("紧急诉求"),
        [
            Row(f"{a.number} {a.display_title}", f"/staff/appeals/{a.pk}/", a.get_status_display(), True)
            for a in qs[:SHOWN]
        ],
        total=qs.count(),
        more_url="/staff/appeals/?tab=urgent",
        empty=_("没有未办结的紧急诉求"),
    )


def overdue_appeals(user) -> Panel:
    today = timezone.localdate()
    qs = staff_appeals(user).filter(status__in=OPEN_STATUSES, due_on__lt=today).order_by("due_on")
    return Panel(
        _("超期未办结的诉求"),
        [
            Row(
                f"{a.number} {a.display_title}",
                f"/staff/appeals/{a.pk}/",
                _("期限 %(d)s，承办人 %(who)s")
                % {"d": a.due_on.isoformat(), "who": a.owner.display_name if a.owner else _("未分配")},
            )
            for a in qs.select_related("owner")[:SHOWN]
        ],
        total=qs.count(),
        more_url="/staff/appeals/?tab=overdue",
        empty=_("没有超期的诉求"),
    )
