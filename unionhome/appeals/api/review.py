"""Figures (A10), recurring issues and the rectification list (A9), the weekly risk review (A12)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from unionhome.core.bounds import Day, Id
from unionhome.core.errors import DomainError
from unionhome.core.openapi import refuses
from unionhome.core.scoping import get_scoped, require_staff, scope

from .. import review, selectors
from ..insights import DIMENSIONS, appeal_figures
from ..models import (
    Rectification,
    RiskItem,
)

router = Router(tags=["appeals"])


# ---------------------------------------------------------------- figures, lists


@router.get("/insights/appeals")
@refuses(403)
def appeal_insights(
    request,
    start: Day | None = None,
    end: Day | None = None,
    by: Literal[DIMENSIONS] | None = None,  # type: ignore[valid-type]
):
    """Count, closure rate, average cycle, satisfaction and overdue rate — overall and by org, site,
    category, group or month — each with its written definition."""
    require_staff(request.user)
    if start and end and start > end:
        raise DomainError("invalid", _("开始日期不能晚于结束日期"), fields={"start": _("不能晚于结束日期")})
    return appeal_figures(selectors.staff_appeals(request.user), start=start, end=end, by=by)


class RectificationIn(Schema):
    cluster: Id
    title: str = Field(..., min_length=2, max_length=200)
    owner: Id
    due_on: Day
    next_step: str = Field("", max_length=300)


class RectificationOut(Schema):
    id: int
    quarter: str
    title: str
    category: str
    site: str | None
    owner: str | None
    due_on: dt.date
    next_step: str
    status: str
    appeals: list[str]

    @staticmethod
    def resolve_site(r):
        return r.site.name if r.site_id else None

    @staticmethod
    def resolve_owner(r):
        return r.owner.get_full_name() or r.owner.username if r.owner_id else None

    @staticmethod
    def resolve_appeals(r):
        return [a.number for a in r.appeals.all()]


@router.get("/appeals-recurring")
@refuses(403)
def recurring(request, quarter: str | None = Query(None, pattern=r"^(20[0-9]{2}|2100)Q[1-4]$")):
    """Groups of similar appeals (same site, category, quarter) not yet on the rectification list."""
    require_staff(request.user)
    return [
        {
            "cluster": g["cluster"],
            "count": g["count"],
            "site": g["site"].name if g["site"] else None,
            "category": g["category"],
            "appeals": [a.number for a in g["appeals"]],
        }
        for g in review.recurring_groups(request.user, quarter)
    ]


def _staff_user(pk: int, field: str):
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise DomainError("invalid", _("请选择责任人"), fields={field: _("未知的用户")})
    return user


@router.get("/rectifications", response=list[RectificationOut])
@refuses(403)
def rectification_list(request):
    require_staff(request.user)
    return list(scope(Rectification.objects.select_related("site", "owner"), request.user))


@router.post("/rectifications", response={201: RectificationOut})
@refuses(404)
def rectification_create(request, payload: RectificationIn):
    """Turn a recurring group into a line of the quarterly rectification list."""
    require_staff(request.user)
    item = review.rectification_create(
        actor=request.user,
        cluster=payload.cluster,
        title=payload.title,
        owner=_staff_user(payload.owner, "owner"),
        due_on=payload.due_on,
        next_step=payload.next_step,
    )
    return Status(201, item)


class RiskOut(Schema):
    id: int
    week: str
    kind: str
    site: str | None
    detail: str
    owner: str | None
    next_step: str
    closed: bool

    @staticmethod
    def resolve_site(r):
        return r.site.name if r.site_id else None

    @staticmethod
    def resolve_owner(r):
        return r.owner.get_full_name() or r.owner.username if r.owner_id else None


class RiskIn(Schema):
    owner: Id | None = None
    next_step: str | None = Field(None, max_length=300)
    closed: bool = False


@router.get("/risks", response=list[RiskOut])
@refuses(403)
def risk_list(request):
    """The weekly risk review list."""
    require_staff(request.user)
    return list(scope(RiskItem.objects.select_related("site", "owner"), request.user))


@router.patch("/risks/{risk_id}", response=RiskOut)
def risk_patch(request, risk_id: Id, payload: RiskIn):
    item = get_scoped(RiskItem.objects.select_related("site", "owner"), request.user, pk=risk_id)
    owner = _staff_user(payload.owner, "owner") if payload.owner else None
    return review.risk_update(
        item, actor=request.user, owner=owner, next_step=payload.next_step, closed=payload.closed
    )
