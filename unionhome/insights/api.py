"""Insights API: the seed's figures for an org subtree and a period."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema

from unionhome.core.bounds import Day, Id
from unionhome.core.openapi import refuses
from unionhome.core.scoping import staff_org

from . import figures as f
from .selectors import period_of

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


class FiguresOut(Schema):
    org: int
    start: str = Field(alias="from")
    end: str = Field(alias="to")
    registration_rate: RateOut
    cycle_days: CycleOut
    closure_rate: RateOut
    satisfaction: RateOut
    turnover: RateOut


class FiguresQuery(Schema):
    org: Id | None = None
    start: Day | None = Field(None, alias="from")
    end: Day | None = Field(None, alias="to")


@router.get("/insights/figures", response=FiguresOut, by_alias=True)
@refuses(400, 403, 404)
def insight_figures(request, query: Query[FiguresQuery]):
    """Registration rate, appeal cycle, closure rate, satisfaction and turnover for the org's
    subtree over whole local days `from`–`to` (both included; default this year so far), each
    with its definition, numerator and denominator (staff over the org; 404 above it)."""
    org = staff_org(request.user, query.org)
    period = period_of(query.start, query.end)
    out = f.figures(org, period)
    rates = {k: v for k, v in out.items() if isinstance(v, f.Rate)}
    return {
        "org": org.pk,
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        **{
            k: {
                "value": r.value,
                "numerator": r.numerator,
                "denominator": r.denominator,
                "definition": r.definition,
            }
            for k, r in rates.items()
        },
        "cycle_days": {
            "mean": out["cycle_days"].mean,
            "median": out["cycle_days"].median,
            "n": out["cycle_days"].n,
            "definition": out["cycle_days"].definition,
        },
    }
