"""Quarterly work plans and the sub-unions' ranking (G7, seed 003 §4.2).

Each union writes its plan for a quarter — items with an owner and a date — and publishes it;
items are marked done as they are. The ranking of the unions directly under an org for a
quarter is a declared score, every part of it shown:

    score = 100 × (0.3 × closure rate + 0.3 × satisfaction + 0.2 × participation
                   + 0.2 × plan items done)

each over the quarter (the figures' own definitions, insights.figures); plan items done = of
the items of the union's published plan, the share done by the quarter's last day. A part with
nothing to measure (no appeals, no ratings, no plan) counts 0 and says so. Equal scores share a
rank (1, 2, 2, 4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionhome.core.audit import log_action
from unionhome.core.bounds import YEAR_MAX, YEAR_MIN, day_error
from unionhome.core.errors import Conflict, DomainError
from unionhome.core.models import Org
from unionhome.core.scoping import by_rule, ensure_role_over, within

from . import figures as f
from .models import PlanItem, WorkPlan

WEIGHTS = {"closure_rate": 0.3, "satisfaction": 0.3, "participation": 0.2, "plan_done": 0.2}
PARTS = {
    "closure_rate": gettext_lazy("办结率"),
    "satisfaction": gettext_lazy("满意率"),
    "participation": gettext_lazy("参与率"),
    "plan_done": gettext_lazy("计划完成率"),
}


def quarter_period(year: int, quarter: int) -> f.Period:
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - dt.timedelta(days=1)
    return f.Period(start, end)


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def parse_quarter(text: str | None) -> tuple[int, int] | None:
    """2026Q4 (or 2026-Q4, 2026q4) → (2026, 4); anything else None."""
    raw = (text or "").strip().upper().replace("-", "")
    if (
        len(raw) != 6
        or raw[4] != "Q"
        or not (raw[:4].isascii() and raw[:4].isdigit())
        or raw[5] not in "1234"
    ):
        return None
    year = int(raw[:4])
    return (year, int(raw[5])) if YEAR_MIN <= year <= YEAR_MAX else None


# -- writing a plan ------------------------------------------------------------------------------


def plan_for(*, actor, org: Org, year: int, quarter: int) -> WorkPlan:
    """The union's plan for the quarter, made empty the first time it is asked for."""
    ensure_role_over(actor, org)
    plan, _created = within(WorkPlan.objects, org).get_or_create(org=org, year=year, quarter=quarter)
    return plan


def plan_update(*, actor, plan: WorkPlan, summary: str) -> WorkPlan:
    ensure_role_over(actor, plan.org)
    plan.summary = summary.strip()[:2000]
    plan.save(update_fields=["summary"])
    log_action(plan, "insights.plan.updated", actor, {})
    return plan


def plan_item_add(*, actor, plan: WorkPlan, title: str, owner: str, due_on: dt.date) -> PlanItem:
    ensure_role_over(actor, plan.org)
    period = quarter_period(plan.year, plan.quarter)
    errors = {}
    if not title.strip():
        errors["title"] = _("请填写事项")
    if not owner.strip():
        errors["owner"] = _("请填写责任人")
    if not period.start <= due_on <= period.end:
        errors["due_on"] = _("完成期限应在本季度内（%(a)s 至 %(b)s）") % {"a": period.start, "b": period.end}
    if errors:
        raise DomainError("invalid", _("请检查计划事项"), fields=errors)
    item = PlanItem.objects.create(
        plan=plan, org=plan.org, title=title.strip()[:200], owner=owner.strip()[:50], due_on=due_on
    )
    log_action(plan, "insights.plan.item_added", actor, {"item": item.pk})
    return item


def plan_item_done(*, actor, item: PlanItem, done_on: dt.date, note: str = "") -> PlanItem:
    ensure_role_over(actor, item.org)
    if done_on > timezone.localdate():
        raise DomainError("invalid", _("完成日期不能是将来"), fields={"done_on": _("不能是将来")})
    if reason := day_error(done_on):
        raise DomainError("invalid", reason, fields={"done_on": reason})
    item.done_on, item.note = done_on, note.strip()[:300]
    item.save(update_fields=["done_on", "note"])
    log_action(item.plan, "insights.plan.item_done", actor, {"item": item.pk})
    return item


def plan_publish(*, actor, plan: WorkPlan) -> WorkPlan:
    ensure_role_over(actor, plan.org)
    with transaction.atomic():
        if not plan.items.exists():
            raise Conflict("empty_plan", _("计划还没有事项，不能发布"))
        if (
            by_rule(WorkPlan.objects, "the plan in hand")
            .filter(pk=plan.pk, published_at=None)
            .update(published_at=timezone.now())
        ):
            log_action(plan, "insights.plan.published", actor, {})
    plan.refresh_from_db()
    return plan


# -- the ranking ---------------------------------------------------------------------------------


@dataclass
class Part:
    key: str
    value: float | None  # None: nothing to measure, counted as 0
    numerator: int
    denominator: float
    weight: float

    @property
    def points(self) -> float:
        return round(100 * self.weight * (self.value or 0), 2)

    @property
    def label(self) -> str:
        return str(PARTS[self.key])


@dataclass
class Row:
    org: Org
    parts: list[Part]
    rank: int = 0
    plan: WorkPlan | None = None

    @property
    def score(self) -> float:
        return round(sum(p.points for p in self.parts), 2)


def plan_done(org: Org, year: int, quarter: int) -> tuple[int, int, WorkPlan | None]:
    """(items done by the quarter's end, items) of the org's published plan."""
    plan = (
        by_rule(WorkPlan.objects, "the published plan of a union in the ranking")
        .filter(org=org, year=year, quarter=quarter, published_at__isnull=False)
        .first()
    )
    if plan is None:
        return 0, 0, None
    items = by_rule(PlanItem.objects, "the items of that plan").filter(plan=plan)
    end = quarter_period(year, quarter).end
    return items.filter(done_on__lte=end).count(), items.count(), plan


def ranking(org: Org, year: int, quarter: int) -> list[Row]:
    """The unions directly under `org`, ranked for the quarter."""
    period = quarter_period(year, quarter)
    rows = []
    for child in Org.objects.filter(parent=org).order_by("name", "pk"):
        rates = [f.closure_rate(child, period), f.satisfaction(child, period), f.participation(child, period)]
        parts = [Part(r.key, r.value, r.numerator, r.denominator, WEIGHTS[r.key]) for r in rates]
        done, total, plan = plan_done(child, year, quarter)
        share = round(done / total, 4) if total else None
        parts.append(Part("plan_done", share, done, total, WEIGHTS["plan_done"]))
        rows.append(Row(child, parts, plan=plan))
    rows.sort(key=lambda r: -r.score)
    for i, row in enumerate(rows):
        row.rank = rows[i - 1].rank if i and row.score == rows[i - 1].score else i + 1
    return rows
