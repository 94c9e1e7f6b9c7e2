"""What the figures' callers share: the period asked for."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core.errors import DomainError
from unionhome.core.models import Org, Role, Site
from unionhome.core.scoping import STAFF_ROLES, staff_org, visible_orgs, within
from unionhome.members.models import ServiceGroup
from unionhome.members.selectors import member_of

from .figures import Part, Period, previous


def period_of(start: dt.date | None, end: dt.date | None) -> Period:
    """Default: this year so far."""
    today = timezone.localdate()
    start = start or today.replace(month=1, day=1)
    end = end or today
    if start > end:
        raise DomainError("invalid", _("开始日期不能晚于结束日期"), fields={"from": _("不能晚于结束日期")})
    return Period(start, end)


def comparison_of(period: Period, start: dt.date | None, end: dt.date | None) -> Period:
    """The period to compare with: the one given (before/after), else the one just before."""
    if start is None and end is None:
        return previous(period)
    if start is None or end is None:
        raise DomainError(
            "invalid", _("对比期间需要开始和结束日期"), fields={"compare_from": _("需要开始和结束日期")}
        )
    if start > end:
        raise DomainError(
            "invalid", _("开始日期不能晚于结束日期"), fields={"compare_from": _("不能晚于结束日期")}
        )
    return Period(start, end)


ENTERPRISE_ROLES = frozenset({*STAFF_ROLES, Role.HANDLER})


def enterprise_org(user, pk: int | None) -> Org:
    """The org numbered `pk` for union staff or a department handler over it: what the
    enterprise may see (counts, never people)."""
    return staff_org(user, pk, ENTERPRISE_ROLES)


def ranking_org(user, pk: int) -> Org | None:
    """Whose sub-unions a signed-in person sees ranked: the org asked for, or by default the
    union above their own (their union among its siblings), or staff's highest org."""
    if pk:
        return Org.objects.filter(pk=pk).first()
    member = member_of(user)
    if member is not None:
        return member.org.parent or member.org
    return visible_orgs(user).order_by("path").first()


def part_of(org: Org, site: int | None, group: str | None) -> tuple[Part, str] | None:
    """The part of `org` asked for and its name: one of its work sites, or a service group.
    None when neither is asked for; NotFound for a site outside the org or an unknown group."""
    from unionhome.core.errors import NotFound

    if site:
        found = within(Site.objects, org).filter(pk=site).first()
        if found is None:
            raise NotFound(_("没有这个工作地点"))
        return Part("site", found.pk), found.name
    if group:
        if group not in ServiceGroup.values:
            raise NotFound(_("没有这个服务群体"))
        return Part("group", group), str(ServiceGroup(group).label)
    return None
