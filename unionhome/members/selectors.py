"""Reads shared by pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.db.models import Count, Q, QuerySet

from unionhome.core import rows
from unionhome.core.models import Org, Site
from unionhome.core.scoping import scope, visible_orgs

from .models import (
    JoinApplication,
    JoinStatus,
    Member,
    MemberGroup,
    MemberStatus,
    Transfer,
    TransferStatus,
)


@cache
def _member_sql() -> str:
    return (
        f"SELECT {rows.columns(Member, 'm')}, {rows.columns(Org, 'o')}, {rows.columns(Site, 's')},"  # noqa: S608 — names from the models; values are bound
        f" {rows.columns(MemberGroup, 'g')} FROM {Member._meta.db_table} m"
        f" JOIN {Org._meta.db_table} o ON o.id = m.org_id"
        f" LEFT JOIN {Site._meta.db_table} s ON s.id = m.site_id"
        f" LEFT JOIN {MemberGroup._meta.db_table} g ON g.member_id = m.id"
        " WHERE m.user_id = %s ORDER BY g.id"
    )


def member_of(user) -> Member | None:
    """The user's member record with its union, site and service groups, in one hand-written
    query (see core.rows): nearly every member page and the API's /me start here."""
    if not getattr(user, "is_authenticated", False):
        return None
    found = rows.fetch_all(_member_sql(), [user.pk])
    if not found:
        return None
    at_org = rows.width(Member)
    at_site = at_org + rows.width(Org)
    at_group = at_site + rows.width(Site)
    member = rows.instance(Member, found[0])
    member.org = rows.instance(Org, found[0], at_org)
    member.site = rows.instance(Site, found[0], at_site)
    member.user = user
    groups = [rows.instance(MemberGroup, row, at_group) for row in found if row[at_group] is not None]
    rows.attach_prefetched(member, "groups", groups)
    return member


def member_search(
    *, user, q: str = "", org_id: int | None = None, group: str = "", status: str = ""
) -> QuerySet[Member]:
    """Staff search by name, pinyin initials, phone or employee number, within the caller's scope."""
    qs = scope(Member.objects.select_related("org", "site"), user)
    q = q.strip()
    if q:
        cond = Q(name__icontains=q) | Q(employee_no__iexact=q)
        if q.isdigit() and len(q) >= 4:
            cond |= Q(phone__contains=q)
        if q.isascii() and q.isalpha():
            cond |= Q(name_initials__startswith=q.lower())
        qs = qs.filter(cond)
    if org_id:
        org = Org.objects.filter(pk=org_id).first()
        qs = qs.filter(org__path__startswith=org.path) if org else qs.none()
    if group:
        qs = qs.filter(groups__group=group)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("name", "pk")


def member_get(*, user, pk: int) -> Member:
    from unionhome.core.scoping import get_scoped

    return get_scoped(Member.objects.select_related("org", "site", "user"), user, pk=pk)


def org_tree(*, user) -> list[Org]:
    """The orgs the user may manage, in tree order, with member counts."""
    return list(
        visible_orgs(user)
        .annotate(
            n_members=Count("members", filter=Q(members__status=MemberStatus.ACTIVE), distinct=True),
            n_sites=Count("sites", distinct=True),
        )
        .order_by("path")
    )


def join_queue(*, user) -> QuerySet[JoinApplication]:
    return scope(JoinApplication.objects.select_related("org", "site", "user"), user).filter(
        status=JoinStatus.SUBMITTED
    )


def transfer_queue(*, user) -> QuerySet[Transfer]:
    """Transfers waiting for the caller's union to accept them, and those leaving it."""
    incoming = scope(Transfer.objects.all(), user, field="to_org")
    outgoing = scope(Transfer.objects.all(), user, field="from_org")
    return (
        Transfer.objects.filter(Q(pk__in=incoming.values("pk")) | Q(pk__in=outgoing.values("pk")))
        .filter(status=TransferStatus.REQUESTED)
        .select_related("member", "from_org", "to_org")
    )


@dataclass
class Rate:
    label: str
    employees: int
    registered: int

    @property
    def rate(self) -> float:
        return round(100 * self.registered / self.employees, 1) if self.employees else 0.0


REGISTRATION_RATE_DEFINITION = (
    "注册率 = 在平台上有登录账号的在册职工人数 ÷ 在册职工总人数（含尚未入会者，不含已退会和已注销）。"
)


def registration_rates(*, user) -> tuple[Rate, list[Rate], list[Rate]]:
    """Registration rate (注册率, seed 000 table 2) overall, per org and per site, in scope."""
    base = scope(Member.objects.all(), user).filter(status__in=[MemberStatus.ROSTER, MemberStatus.ACTIVE])
    registered = Count("pk", filter=Q(user__isnull=False))
    total = base.aggregate(n=Count("pk"), r=registered)
    by_org = {row["org"]: row for row in base.values("org").annotate(n=Count("pk"), r=registered)}
    by_site = (
        base.exclude(site=None)
        .values("site", "site__name")
        .annotate(n=Count("pk"), r=registered)
        .order_by("site__name")
    )
    orgs = {o.pk: o for o in Org.objects.filter(pk__in=by_org)}
    org_rates = [
        Rate(orgs[k].name, v["n"], v["r"]) for k, v in sorted(by_org.items(), key=lambda kv: orgs[kv[0]].path)
    ]
    site_rates = [Rate(row["site__name"], row["n"], row["r"]) for row in by_site]
    return Rate("合计", total["n"], total["r"]), org_rates, site_rates


def sites_under(org: Org) -> QuerySet[Site]:
    return Site.objects.filter(org__path__startswith=org.path).order_by("name")
