"""The benefits' panels on the chair's desk (core.panels): claims waiting for the user's
signature (一支笔), the funds' balances, and hardship cases past their stage's deadline."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core.panels import Panel, Row
from unionhome.core.scoping import scope

from . import hardship, selectors
from .models import Fund, HardshipStage

SHOWN = 5


def to_sign(user) -> Panel:
    qs = selectors.claims_to_sign(selectors.staff_claims(user, status="submitted")).filter(
        type__fund__signer=user
    )
    return Panel(
        _("等您签批（一支笔）"),
        [
            Row(
                f"{c.type.name} {c.number}",
                f"/staff/benefits/claims/{c.pk}/",
                _("%(a)s 元 · %(who)s") % {"a": c.amount, "who": c.member.name},
                True,
            )
            for c in qs[:SHOWN]
        ],
        total=qs.count(),
        more_url="/staff/benefits/?status=submitted",
        empty=_("没有等您签批的申领"),
    )


def fund_balances(user) -> Panel | None:
    funds = list(scope(Fund.objects.all(), user).filter(year=timezone.localdate().year))
    if not funds:
        return None
    return Panel(
        _("经费余额"),
        [
            Row(
                f"{f.name}",
                f"/staff/funds/{f.pk}/",
                _("预算 %(b)s 元，已支出 %(s)s 元，余 %(r)s 元")
                % {"b": f.budget, "s": f.spent, "r": f.remaining},
                f.remaining <= f.budget / 10,
            )
            for f in funds
        ],
        more_url="/staff/funds/",
    )


def overdue_cases(user) -> Panel:
    qs = hardship.cases_for(user, overdue=True).exclude(stage=HardshipStage.CLOSED)
    return Panel(
        _("超期的帮扶案件"),
        [
            Row(
                f"{c.number} {c.get_kind_display()}",
                f"/staff/hardship/{c.pk}/",
                c.get_stage_display(),
                c.urgent,
            )
            for c in qs[:SHOWN]
        ],
        total=qs.count(),
        more_url="/staff/hardship/?overdue=1",
        empty=_("没有超期的帮扶案件"),
    )
