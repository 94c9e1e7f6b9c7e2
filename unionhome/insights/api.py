"""Insights API: the seed's figures for an org subtree and a period."""

from __future__ import annotations

from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from unionhome.core.bounds import Day, Id, Month
from unionhome.core.errors import DomainError, NotFound
from unionhome.core.openapi import refuses
from unionhome.core.scoping import staff_org
from unionhome.members.models import ServiceGroup
from unionhome.members.selectors import member_of

from . import care, demand, plans, recommend
from . import figures as f
from .selectors import comparison_of, enterprise_org, part_of, period_of, ranking_org

router = Router(tags=["insights"])


class RateOut(Schema):
    value: float | None = Field(description="numerator ÷ denominator, 0–1; null when the denominator is 0")
    numerator: int
    denominator: float
    definition: str


class CycleOut(Schema):
    mean: float | None = Field(description="days (elapsed hours ÷ 24)")
    median: float | None
    n: int
    definition: str


class CompareOut(Schema):
    start: str = Field(alias="from")
    end: str = Field(alias="to")
    values: dict[str, float | None] = Field(
        description="each figure's value (the cycle's mean) over the comparison period"
    )


class FiguresOut(Schema):
    org: int
    start: str = Field(alias="from")
    end: str = Field(alias="to")
    site: int | None = Field(None, description="the work site the figures are of, if one was asked for")
    group: str | None = Field(None, description="the service group the figures are of, if one was asked for")
    registration_rate: RateOut
    cycle_days: CycleOut
    closure_rate: RateOut
    satisfaction: RateOut
    turnover: RateOut
    participation: RateOut
    reach: RateOut
    compare: CompareOut


class FiguresQuery(Schema):
    org: Id | None = None
    start: Day | None = Field(None, alias="from")
    end: Day | None = Field(None, alias="to")
    compare_start: Day | None = Field(
        None, alias="compare_from", description="default: the period of the same length just before"
    )
    compare_end: Day | None = Field(None, alias="compare_to")
    site: Id | None = Field(
        None, description="only this work site of the org: its people, the appeals about it"
    )
    group: ServiceGroup | None = Field(
        None, description="only this service group: its people and their appeals"
    )


def _figures_out(out: dict) -> dict:
    cycle = out["cycle_days"]
    return {
        **{
            k: {
                "value": r.value,
                "numerator": r.numerator,
                "denominator": r.denominator,
                "definition": r.definition,
            }
            for k, r in out.items()
            if isinstance(r, f.Rate)
        },
        "cycle_days": {
            "mean": cycle.mean,
            "median": cycle.median,
            "n": cycle.n,
            "definition": cycle.definition,
        },
    }


@router.get("/insights/figures", response=FiguresOut, by_alias=True)
@refuses(400, 403, 404)
def insight_figures(request, query: Query[FiguresQuery]):
    """Registration rate, appeal cycle, closure rate, satisfaction, turnover, participation and
    reach for the org's subtree over whole local days `from`–`to` (both included; default this
    year so far), each with its definition, numerator and denominator, and each figure's value
    over a comparison period (`compare_from`–`compare_to`; default the period of the same length
    just before: month on month for a month). Staff over the org; 404 above it."""
    org = staff_org(request.user, query.org)
    period = period_of(query.start, query.end)
    other = comparison_of(period, query.compare_start, query.compare_end)
    part, _name = part_of(org, query.site, query.group) or (None, "")
    before = f.figures(org, other, part)
    return {
        "org": org.pk,
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "site": part.value if part and part.kind == "site" else None,
        "group": part.value if part and part.kind == "group" else None,
        **_figures_out(f.figures(org, period, part)),
        "compare": {
            "from": other.start.isoformat(),
            "to": other.end.isoformat(),
            "values": {k: f.value(v) for k, v in before.items()},
        },
    }


class BreakdownQuery(Schema):
    org: Id | None = None
    start: Day | None = Field(None, alias="from")
    end: Day | None = Field(None, alias="to")
    by: Literal["org", "site", "group"] = Field(
        "org",
        description="org: the org and each union directly under it; site: each work site; group: each service group",
    )


class BreakdownRow(Schema):
    name: str
    id: str = Field(description="the org's or site's id, or the service group's code")
    registration_rate: RateOut
    cycle_days: CycleOut
    closure_rate: RateOut
    satisfaction: RateOut
    turnover: RateOut
    participation: RateOut
    reach: RateOut


@router.get("/insights/breakdown", response=list[BreakdownRow])
@refuses(400, 403, 404)
def insight_breakdown(request, query: Query[BreakdownQuery]):
    """The seven figures of the org and each union directly under it, of each of its work sites
    (people by their work site, appeals by the site they are about), or of each service group
    (a person in two groups counts in both). Same definitions and period as `figures`."""
    org = staff_org(request.user, query.org)
    period = period_of(query.start, query.end)
    if query.by == "org":
        rows = [(unit.name, str(unit.pk), figs) for unit, figs in f.breakdown(org, period)]
    else:
        rows = [(name, str(part.value), figs) for part, name, figs in f.figures_by(org, period, query.by)]
    return [{"name": name, "id": key, **_figures_out(figs)} for name, key, figs in rows]


# -- care flags (G6) -------------------------------------------------------------------------


class CareQuery(Schema):
    org: Id | None = None
    month: Month | None = Field(None, description="YYYY-MM; default this month")


class CareFlagOut(Schema):
    employee_no: str
    member: int = Field(description="the member's id")
    kind: str = Field(description="over_36h | near_36h | over_3h_day | no_rest_7d | nights_5")
    value: float = Field(description="hours (over_36h, near_36h, over_3h_day) or days in a row")
    limit: float


def _month(value) -> object:
    return value or timezone.localdate().replace(day=1)


@router.get("/insights/care-flags", response=list[CareFlagOut])
@refuses(400, 403, 404)
def care_flags(request, query: Query[CareQuery]):
    """Union staff: the month's care flags in the org's subtree, from attendance (definitions in
    docs/insights.md). The enterprise's own people see counts only (`care-counts`)."""
    org = staff_org(request.user, query.org)
    found = care.flags(org, _month(query.month))
    numbers = care.employee_numbers({flag.member_id for flag in found})
    return [
        {
            "employee_no": numbers.get(flag.member_id, ""),
            "member": flag.member_id,
            "kind": flag.kind,
            "value": float(flag.value),
            "limit": float(flag.limit),
        }
        for flag in found
    ]


class CareCountOut(Schema):
    site: str = Field(description="the site's name; empty for members without one")
    kind: str
    members: int


@router.get("/insights/care-counts", response=list[CareCountOut])
@refuses(400, 403, 404)
def care_counts(request, query: Query[CareQuery]):
    """Union staff and the enterprise's department handlers: how many members each flag holds,
    per site — never who."""
    org = enterprise_org(request.user, query.org)
    return care.counts(org, _month(query.month))


class HoursDayOut(Schema):
    date: str
    hours: float
    overtime_hours: float
    night: bool


class HoursOut(Schema):
    month: str
    scheme: str
    since: str = Field(description="the first day the overtime is counted from (the scheme's period)")
    overtime_hours: float
    limit: float
    days: list[HoursDayOut]
    flags: list[str]


@router.get("/me/hours", response=HoursOut)
@refuses(400, 404)
def my_hours(request, month: Month | None = None):
    """The caller's own working hours for a month against the legal limit, and the care flags
    they raise."""
    member = member_of(request.user)
    if member is None:
        raise NotFound(_("您还不是会员"))
    hours = care.hours_of(member, _month(month))
    return {
        "month": hours.month.strftime("%Y-%m"),
        "scheme": hours.scheme,
        "since": hours.since.isoformat(),
        "overtime_hours": float(hours.overtime),
        "limit": float(hours.limit),
        "days": [
            {
                "date": d.date.isoformat(),
                "hours": float(d.hours),
                "overtime_hours": float(d.overtime_hours),
                "night": d.night,
            }
            for d in hours.days
        ],
        "flags": [flag.kind for flag in hours.flags],
    }


# -- quarterly rankings (G7) ---------------------------------------------------------------------


class PartOut(Schema):
    key: str = Field(description="closure_rate | satisfaction | participation | plan_done")
    value: float | None = Field(description="0–1; null when there is nothing to measure (counts 0)")
    numerator: int
    denominator: float
    weight: float
    points: float = Field(description="100 × weight × value")


class RankOut(Schema):
    org: int
    name: str
    rank: int
    score: float
    parts: list[PartOut]


class RankingOut(Schema):
    org: int
    quarter: str
    rows: list[RankOut]


class RankingQuery(Schema):
    org: Id | None = None
    quarter: str | None = Field(
        None, pattern=r"^[0-9]{4}Q[1-4]$", description="e.g. 2026Q4; default this quarter"
    )


@router.get("/insights/rankings", response=RankingOut)
@refuses(400, 404)
def insight_rankings(request, query: Query[RankingQuery]):
    """The unions directly under `org` ranked for a quarter on the declared score (every part
    shown): 30% closure rate, 30% satisfaction, 20% participation, 20% of the published plan's
    items done. Any signed-in person; default org: the union above the caller's own."""
    org = ranking_org(request.user, query.org or 0)
    if org is None:
        raise NotFound()
    asked = plans.parse_quarter(query.quarter)
    if query.quarter and asked is None:
        msg = _("季度应在 2000 年到 2100 年之间")
        raise DomainError("invalid", msg, fields={"quarter": msg})
    year, quarter = asked or plans.quarter_of(timezone.localdate())
    rows = plans.ranking(org, year, quarter)
    return {
        "org": org.pk,
        "quarter": f"{year}Q{quarter}",
        "rows": [
            {
                "org": row.org.pk,
                "name": row.org.name,
                "rank": row.rank,
                "score": row.score,
                "parts": [
                    {
                        "key": p.key,
                        "value": p.value,
                        "numerator": p.numerator,
                        "denominator": p.denominator,
                        "weight": p.weight,
                        "points": p.points,
                    }
                    for p in row.parts
                ],  # fmt: skip
            }
            for row in rows
        ],
    }


# -- demand analysis (G2) ------------------------------------------------------------------------


class DemandQuery(Schema):
    org: Id | None = None
    start: Day | None = Field(None, alias="from")
    end: Day | None = Field(None, alias="to")
    by: Literal["week", "month"] = "month"
    km: float = Field(2.0, gt=0, le=100, description="the distance a service station serves")
    min_appeals: int = Field(10, ge=1, le=1_000_000, description="a busy site's appeals in the period")


class TrendOut(Schema):
    bucket: str = Field(description="the week's Monday or the month's first day")
    counts: dict[str, int] = Field(description="appeals per category")
    total: int


class ChannelOut(Schema):
    channel: str
    label: str
    appeals: int


class HotSiteOut(Schema):
    site: int
    name: str
    appeals: int
    share: float


class TermOut(Schema):
    term: str
    now: int
    before: int
    growth: int


class UncoveredOut(Schema):
    site: int
    name: str
    appeals: int
    located: bool = Field(description="false: the site has no coordinates, so no distance")
    nearest_station_km: float | None


class DemandOut(Schema):
    org: int
    start: str = Field(alias="from")
    end: str = Field(alias="to")
    trends: list[TrendOut]
    channels: list[ChannelOut]
    hot_sites: list[HotSiteOut]
    heatmap: list[list[int]] = Field(description="7 rows, Monday first, of 24 hours (local time)")
    rising_terms: list[TermOut]
    uncovered_sites: list[UncoveredOut]


@router.get("/insights/demand", response=DemandOut, by_alias=True)
@refuses(400, 403, 404)
def insight_demand(request, query: Query[DemandQuery]):
    """What members ask for, where and when, over whole local days `from`–`to` (default this
    year so far): appeals per category by week or month, channels, the busiest sites, a
    weekday × hour heat map, terms rising against the period just before, and busy sites with
    no service station within `km` (staff over the org; 404 above it)."""
    org = staff_org(request.user, query.org)
    period = period_of(query.start, query.end)
    return {
        "org": org.pk,
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "trends": [
            {"bucket": t["bucket"].isoformat(), "counts": t["counts"], "total": t["total"]}
            for t in demand.trends(org, period, query.by)
        ],
        "channels": [
            {"channel": c, "label": label, "appeals": n} for c, label, n in demand.channels(org, period)
        ],
        "hot_sites": demand.hot_sites(org, period),
        "heatmap": demand.heatmap(org, period),
        "rising_terms": demand.rising_terms(org, period),
        "uncovered_sites": [
            {
                "site": u.site.pk,
                "name": u.site.name,
                "appeals": u.appeals,
                "located": u.located,
                "nearest_station_km": u.nearest_km,
            }
            for u in demand.uncovered(org, period, km=query.km, min_appeals=query.min_appeals)
        ],  # fmt: skip
    }


# -- recommendations (G3) ------------------------------------------------------------------------


class PickOut(Schema):
    item: str = Field(description='"activity:12", "offer:3", "article:7" or "service:5"')
    kind: str
    title: str
    url: str
    reason: str = Field(description="why it is recommended, in the caller's language")
    score: float


class DismissIn(Schema):
    item: str = Field(..., max_length=40)


@router.get("/me/recommendations", response=list[PickOut])
def my_recommendations(request, place: Literal["home", "activities", "news", "benefits"] = "home"):
    """What the caller may take up now, ranked on their own take-up and others' (activities,
    offers, news and service items; `place` narrows to one page's kinds), each with its reason.
    Empty for someone who is not an active member."""
    return [
        {"item": p.item.key, "kind": p.item.kind, "title": p.item.title, "url": p.item.url, "reason": p.reason,
         "score": p.score}
        for p in recommend.recommendations(request.user, kinds=recommend.PLACES[place])
    ]  # fmt: skip


@router.post("/me/recommendations/dismiss", response={204: None})
@refuses(400)
def my_recommendation_dismiss(request, payload: DismissIn):
    """不感兴趣: the item is never recommended to the caller again, and items like it rank lower."""
    if not recommend.dismiss(user=request.user, key=payload.item):
        msg = _("不是可以推荐的项目")
        raise DomainError("invalid", msg, fields={"item": msg})
    return 204, None
