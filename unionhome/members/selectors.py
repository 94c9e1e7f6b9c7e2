"""Reads shared by pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from unionhome.core import rows
from unionhome.core.models import Org, Role, Site, path_ids
from unionhome.core.scoping import by_rule, own, role_paths, scope, visible_orgs, within

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
def member_columns() -> str:
    """The columns `member_from_row` reads, for a query with the member as `m`, its union as `o`
    and its site as `s` (see `member_joins`): the three rows, then the member's status and the
    union's path."""
    return (
        f"{rows.columns(Member, 'm')}, {rows.columns(Org, 'o')}, {rows.columns(Site, 's')}, m.status, o.path"
    )


def member_joins(user_id: str) -> str:
    """LEFT JOINs that bring in the member record of the user `user_id` (a column of the query)."""
    return (
        f" LEFT JOIN {Member._meta.db_table} m ON m.user_id = {user_id}"  # noqa: S608 — names from the models
        f" LEFT JOIN {Org._meta.db_table} o ON o.id = m.org_id"
        f" LEFT JOIN {Site._meta.db_table} s ON s.id = m.site_id"
    )


def member_columns_width() -> int:
    return rows.width(Member) + rows.width(Org) + rows.width(Site) + 2


def member_key_status_path(row, at: int) -> tuple[int | None, str | None, str | None]:
    """The member's key, status and union's path from a row that holds `member_columns` at `at`
    (what deciding who a caller is needs, without building the records)."""
    end = at + member_columns_width()
    return row[at], row[end - 2], row[end - 1]


def member_from_row(row, at: int, user) -> Member | None:
    """The member held in `row[at:]` as `member_columns` lays it out, or None."""
    member = rows.instance(Member, row, at)
    if member is None:
        return None
    at_org = at + rows.width(Member)
    member.org = rows.instance(Org, row, at_org)
    member.site = rows.instance(Site, row, at_org + rows.width(Org))
    member.user = user
    return member


@cache
def _member_sql() -> str:
    return (
        f"SELECT {member_columns()}, {rows.columns(MemberGroup, 'g')} FROM {Member._meta.db_table} m"  # noqa: S608 — names from the models; values are bound
        f" JOIN {Org._meta.db_table} o ON o.id = m.org_id"
        f" LEFT JOIN {Site._meta.db_table} s ON s.id = m.site_id"
        f" LEFT JOIN {MemberGroup._meta.db_table} g ON g.member_id = m.id"
        " WHERE m.user_id = %s ORDER BY g.id"
    )


def member_of(user) -> Member | None:
    """The user's member record with its union and site, in one hand-written query (see
    core.rows) with its service groups: nearly every member page and the API's /me start here.
    A user read with a bearer token (`members.identity.token_caller`) brings the record's row along, and
    it is built from that without a query (its groups are then read when first used)."""
    if not getattr(user, "is_authenticated", False):
        return None
    read = getattr(user, "_member_row", None)
    if read is not None:
        return member_from_row(*read, user)
    found = rows.fetch_all(_member_sql(), [user.pk])
    if not found:
        return None
    member = member_from_row(found[0], 0, user)
    at_group = member_columns_width()
    groups = [rows.instance(MemberGroup, row, at_group) for row in found if row[at_group] is not None]
    rows.attach_prefetched(member, "groups", groups)
    return member


def require_active_member(user, message=None) -> Member:
    """The caller's own membership, which must be active: the one check every member-only
    action makes (an appeal, a legal case, a claim, a sign-up), with one code and one status. A
    member who left, or one still on the roster, is refused the same way. `message` says what
    they wanted, in the words of the page that asks."""
    member = member_of(user)
    ensure_active(member, message)
    return member


def ensure_active(member: Member | None, message=None) -> None:
    """The same rule for a member record already in hand (a transfer, leaving, a proxy's member):
    403 `not_member` unless the membership is active."""
    from unionhome.core.errors import DomainError

    if member is None or member.status != MemberStatus.ACTIVE:
        raise DomainError("not_member", message or _("请先加入工会"), status=403)


def person_q(q: str, prefix: str = "") -> Q:
    """The condition for "this person" as staff type them: a name (or part of it), pinyin
    initials, an employee number, a whole phone number or its last four digits (尾号, which the
    masked phone shows anyway: any other part would let the hidden digits be found one by one).
    `prefix` reaches the member from another record ("member__")."""
    q = q.strip()
    cond = Q(**{f"{prefix}name__icontains": q}) | Q(**{f"{prefix}employee_no__iexact": q})
    if q.isascii() and q.isdigit() and len(q) == 4:
        cond |= Q(**{f"{prefix}phone__endswith": q})
    elif q.isascii() and q.isdigit() and len(q) == 11:
        cond |= Q(**{f"{prefix}phone": q})
    if q.isascii() and q.isalpha():
        cond |= Q(**{f"{prefix}name_initials__startswith": q.lower()})
    return cond


def member_search(
    *, user, q: str = "", org_id: int | None = None, group: str = "", status: str = ""
) -> QuerySet[Member]:
    """Staff search by name, pinyin initials, phone or employee number (`person_q`), within the
    caller's scope."""
    qs = scope(Member.objects.select_related("org", "site"), user)
    if q.strip():
        qs = qs.filter(person_q(q))
    if org_id:
        qs = within(qs, Org.objects.filter(pk=org_id).first())
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


def pending_join(user) -> JoinApplication | None:
    """The caller's own application still waiting for an answer."""
    return own(JoinApplication.objects, user, field="user").filter(status=JoinStatus.SUBMITTED).first()


def join_queue(*, user) -> QuerySet[JoinApplication]:
    return scope(JoinApplication.objects.select_related("org", "site", "user"), user).filter(
        status=JoinStatus.SUBMITTED
    )


def transfer_queue(*, user) -> QuerySet[Transfer]:
    """Transfers waiting for the caller's union to accept them, and those leaving it."""
    incoming = scope(Transfer.objects.all(), user, field="to_org")
    outgoing = scope(Transfer.objects.all(), user, field="from_org")
    return (
        (incoming | outgoing)
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
    return within(Site.objects, org).order_by("name")


def published_to(qs: QuerySet, user, member_path: str | None = None, *, field: str = "org") -> QuerySet:
    """Rows of `qs` published by a union that reaches `user` (`org_ids_upward`); what each row's
    audience then allows is the caller's to check."""
    reach = by_rule(qs, "published by the caller's unions or a union above them")
    return reach.filter(**{f"{field}__in": org_ids_upward(user, member_path)})


def org_ids_upward(user, member_path: str | None = None) -> set[int]:
    """The unions whose published material (news, knowledge-base entries) reaches `user`: the
    union they belong to, the unions where they hold a role, and every union above those.
    `member_path`: the member's org path when the caller has already read it."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if member_path is not None:
        paths = [member_path] if member_path else []
    else:
        paths = list(own(Member.objects, user, field="user").values_list("org__path", flat=True))
    paths += role_paths(user, [r for r, _ in Role.choices])
    return {pk for path in paths for pk in path_ids(path)}
