"""Care flags from attendance (G6): who works too long, so that the union can look after them.

The rules, for a calendar month M (Labour Law art. 41: overtime generally no more than 1 hour a
day, 3 hours for special reasons, 36 hours a month):

- over_36h: the overtime hours over the member's scheme period exceed its limit (36 h a month;
  exactly 36.0 is not over, 36.5 is);
- near_36h: not over, but 30 h or more (5/6 of the limit);
- over_3h_day: a day in M with more than 3 hours of overtime (standard hours only: a
  comprehensive scheme, 综合计算工时, spreads hours over its period by design);
- no_rest_7d: 7 or more calendar days in a row with hours worked, one of them in M;
- nights_5: 5 or more night shifts on consecutive days, one of them in M.

A member on a comprehensive scheme by quarter or year is measured from the scheme period's first
day to M's last, against 36 h for each month of the period. A day with no attendance row, or
zero hours, is a rest day. Runs are counted from six days before M, so a run that began in the
previous month and goes on into M counts for M (its value is the days in a row within that
window).

`flags(org, month)` computes them from the records, every time (the API and the pages);
`care_flags_raise` (a daily task) keeps each new one once, opens a follow-up visit for the union
and, where the member consented (ConsentPurpose.CARE), sends care content. The enterprise sees
counts per site (`counts`), never a person."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionhome.benefits.models import Visit, VisitKind
from unionhome.core.audit import log_action
from unionhome.core.guard import system
from unionhome.core.models import Org
from unionhome.core.notifications import notify
from unionhome.core.scoping import by_rule, own, within
from unionhome.integrations.models import Attendance
from unionhome.members.models import Consent, ConsentPurpose, HoursScheme, Member, MemberStatus

from .models import CareFlag, CareKind

MONTH_LIMIT = Decimal(36)
NEAR = Decimal(30)
DAY_LIMIT = Decimal(3)
REST_RUN = 7
NIGHT_RUN = 5
LOOKBACK = max(REST_RUN, NIGHT_RUN) - 1
VISIT_DAYS = 3  # a follow-up visit is planned this many days after the flag
SCHEME_MONTHS = {HoursScheme.STANDARD: 1, HoursScheme.MONTH: 1, HoursScheme.QUARTER: 3, HoursScheme.YEAR: 12}


@dataclass(frozen=True)
class Flag:
    member_id: int
    kind: str
    value: Decimal
    limit: Decimal


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def scheme_start(scheme: str, month: dt.date) -> dt.date:
    """The first day of the scheme period that holds `month`."""
    if scheme == HoursScheme.QUARTER:
        return month.replace(month=(month.month - 1) // 3 * 3 + 1)
    if scheme == HoursScheme.YEAR:
        return month.replace(month=1)
    return month


def limits(scheme: str) -> tuple[Decimal, Decimal]:
    """(limit, near) for the scheme's whole period."""
    months = SCHEME_MONTHS.get(scheme, 1)
    return MONTH_LIMIT * months, NEAR * months


def hours(value) -> Decimal:
    """A sum of hours to the hundredth (SQLite adds decimals as floating point)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _attendance(org: Org | None, member: Member | None = None):
    if member is not None:
        return own(Attendance.objects, member)
    return within(Attendance.objects, org).exclude(member__status=MemberStatus.ANONYMISED)


def _runs(rows, first: dt.date) -> tuple[dict[int, int], dict[int, int]]:
    """Longest run of worked days and of night shifts per member, among runs that reach `first`
    or later. `rows`: (member id, date, night) of worked days, ordered by member and date."""
    worked: dict[int, int] = {}
    nights: dict[int, int] = {}
    current = None
    run = night_run = 0
    last = None
    for member_id, day, night in rows:
        if member_id != current:
            current, run, night_run, last = member_id, 0, 0, None
        follows = last is not None and (day - last).days == 1
        run = run + 1 if follows else 1
        night_run = (night_run + 1 if follows else 1) if night else 0
        last = day
        if day >= first:
            if run > worked.get(member_id, 0):
                worked[member_id] = run
            if night_run > nights.get(member_id, 0):
                nights[member_id] = night_run
    return worked, nights


def flags(org: Org | None, month: dt.date, *, member: Member | None = None) -> list[Flag]:
    """The month's flags for everyone in `org`'s subtree (or for one member), from attendance."""
    first, last = month, month_end(month)
    attendance = _attendance(org, member)
    out: list[Flag] = []
    # 1. overtime over each scheme's period (one aggregate query per period start)
    by_start: dict[dt.date, list[str]] = defaultdict(list)
    for scheme in HoursScheme.values:
        by_start[scheme_start(scheme, first)].append(scheme)
    for start, schemes in by_start.items():
        totals = (
            attendance.filter(member__hours_scheme__in=schemes, date__gte=start, date__lte=last)
            .values_list("member_id", "member__hours_scheme")
            .annotate(total=Sum("overtime_hours"))
        )
        for member_id, scheme, total in totals:
            total = hours(total)
            limit, near = limits(scheme)
            if total > limit:
                out.append(Flag(member_id, CareKind.OVER_36H, total, limit))
            elif total >= near:
                out.append(Flag(member_id, CareKind.NEAR_36H, total, limit))
    # 2. the longest day (standard hours only)
    long_days = (
        attendance.filter(
            member__hours_scheme=HoursScheme.STANDARD,
            date__gte=first,
            date__lte=last,
            overtime_hours__gt=DAY_LIMIT,
        )
        .values_list("member_id")
        .annotate(top=Max("overtime_hours"))
    )
    out += [Flag(member_id, CareKind.OVER_3H_DAY, hours(top), DAY_LIMIT) for member_id, top in long_days]
    # 3. runs of days without rest and of nights
    rows = (
        attendance.filter(date__gte=first - dt.timedelta(days=LOOKBACK), date__lte=last, hours__gt=0)
        .order_by("member_id", "date")
        .values_list("member_id", "date", "night")
    )
    worked, nights = _runs(rows.iterator(chunk_size=5000), first)
    out += [
        Flag(m, CareKind.NO_REST_7D, Decimal(n), Decimal(REST_RUN))
        for m, n in worked.items()
        if n >= REST_RUN
    ]
    out += [
        Flag(m, CareKind.NIGHTS_5, Decimal(n), Decimal(NIGHT_RUN))
        for m, n in nights.items()
        if n >= NIGHT_RUN
    ]
    return sorted(out, key=lambda f: (f.member_id, CareKind.values.index(f.kind)))


def counts(org: Org, month: dt.date) -> list[dict]:
    """Flagged members per site and kind: what the enterprise sees (never who)."""
    found = flags(org, month)
    sites = dict(
        by_rule(Member.objects, "the flagged members of an org in hand")
        .filter(pk__in={f.member_id for f in found})
        .values_list("pk", "site__name")
    )
    tally: dict[tuple[str, str], int] = defaultdict(int)
    for flag in found:
        tally[(sites.get(flag.member_id) or "", flag.kind)] += 1
    return [{"site": site, "kind": kind, "members": n} for (site, kind), n in sorted(tally.items())]


def employee_numbers(member_ids: set[int]) -> dict[int, str]:
    return dict(
        by_rule(Member.objects, "the flagged members of an org in hand")
        .filter(pk__in=member_ids)
        .values_list("pk", "employee_no")
    )


# -- a member's own hours ------------------------------------------------------------------------


@dataclass
class Hours:
    month: dt.date
    scheme: str
    since: dt.date
    overtime: Decimal
    limit: Decimal
    near: Decimal
    days: list  # Attendance rows of the month, by date
    flags: list[Flag]

    @property
    def share(self) -> float:
        return min(float(self.overtime / self.limit), 1.0) if self.limit else 0.0

    @property
    def over(self) -> bool:
        return self.overtime > self.limit


def hours_of(member: Member, month: dt.date) -> Hours:
    since = scheme_start(member.hours_scheme, month)
    last = month_end(month)
    attendance = own(Attendance.objects, member)
    total = attendance.filter(date__gte=since, date__lte=last).aggregate(t=Sum("overtime_hours"))["t"]
    limit, near = limits(member.hours_scheme)
    return Hours(
        month=month,
        scheme=member.hours_scheme,
        since=since,
        overtime=hours(total),
        limit=limit,
        near=near,
        days=list(attendance.filter(date__gte=month, date__lte=last).order_by("date")),
        flags=flags(None, month, member=member),
    )


# -- raising the flags -----------------------------------------------------------------------------

CARE_WORDS = {
    CareKind.OVER_36H: _("您本月的加班已超过法定的 36 小时"),
    CareKind.NEAR_36H: _("您本月的加班已接近 36 小时"),
    CareKind.OVER_3H_DAY: _("您有一天加班超过了 3 小时"),
    CareKind.NO_REST_7D: _("您已连续工作 7 天以上没有休息"),
    CareKind.NIGHTS_5: _("您已连续上了 5 个以上夜班"),
}


def _consenting(member_ids: set[int]) -> set[int]:
    """Members whose latest decision on ConsentPurpose.CARE is yes."""
    latest: dict[int, bool] = {}
    rows = (
        by_rule(Consent.objects, "the care consents of flagged members")
        .filter(member_id__in=member_ids, purpose=ConsentPurpose.CARE)
        .order_by("at", "pk")
        .values_list("member_id", "granted")
    )
    for member_id, granted in rows:
        latest[member_id] = granted
    return {m for m, granted in latest.items() if granted}


def care_flags_raise(*, month: dt.date | None = None, today: dt.date | None = None) -> int:
    """Keep each new flag of the month once; open one follow-up visit per flagged member and month;
    send care content to those who consented. Idempotent (the unique flag), safe to run twice
    at once (the insert that loses the race is skipped). Returns the flags kept."""
    today = today or timezone.localdate()
    month = month or today.replace(day=1)
    kept = 0
    with system():
        roots = list(Org.objects.filter(parent=None))
        for root in roots:
            found = flags(root, month)
            if not found:
                continue
            have = set(
                by_rule(CareFlag.objects, "the flags of the members found")
                .filter(month=month, member_id__in={f.member_id for f in found})
                .values_list("member_id", "kind")
            )
            new = [f for f in found if (f.member_id, f.kind) not in have]
            if not new:
                continue
            members = {
                m.pk: m
                for m in by_rule(Member.objects, "the flagged members")
                .select_related("user")
                .filter(pk__in={f.member_id for f in new})
            }
            consenting = _consenting(set(members))
            for flag in new:
                kept += _raise(flag, members[flag.member_id], month, today, flag.member_id in consenting)
    return kept


def _raise(flag: Flag, member: Member, month: dt.date, today: dt.date, consented: bool) -> int:
    with transaction.atomic():
        visit = (
            own(Visit.objects, member)
            .filter(kind=VisitKind.HOURS, planned_on__gte=month, visited_on__isnull=True)
            .first()
        )
        if visit is None:
            visit = Visit.objects.create(
                org=member.org,
                member=member,
                kind=VisitKind.HOURS,
                planned_on=today + dt.timedelta(days=VISIT_DAYS),
            )
        care = CareFlag(
            org=member.org,
            member=member,
            month=month,
            kind=flag.kind,
            value=flag.value,
            limit=flag.limit,
            visit=visit,
            cared=consented and member.user_id is not None,
        )
        try:
            with transaction.atomic():
                care.save(force_insert=True)
        except IntegrityError:  # another run kept it first
            return 0
        log_action(member, "insights.care.flagged", None, {"kind": flag.kind, "month": month.isoformat()})
        if care.cared:
            notify(
                member.user,
                CARE_WORDS[flag.kind],
                _(
                    "工会关心您的身体。按《劳动法》第四十一条，加班每天一般不超过 1 小时、特殊原因不超过 3 小时，"
                    "每月不超过 36 小时。点开可以查看您本月的工时；需要帮助，可以直接向工会反映。"
                ),
                "/me/hours/",
            )
    return 1
