"""The seed's figures (G1) for an org subtree and a period, each from the records, with its
definition, its numerator and denominator, and the records behind it (`records`).

A period is whole local days, `start` and `end` included, in the union's time zone; an instant
belongs to it when start 00:00 ≤ t < (end + 1 day) 00:00. Definitions (tests hold each on
hand-worked data, boundaries included):

- on the roster on day D: hired on or before D (or, hire date unknown, recorded on or before D)
  and not left before D (`left_on`, the last day on the roster, is D or later, or empty); people
  whose personal data was erased are not counted;
- a member on day D: joined on or before D, the membership not ended on or before D;
- registration rate: of the people on the roster on the period's last day, the share who are a
  member that day and whose account was opened by then;
- cycle: calendar days (elapsed hours ÷ 24) from an appeal's receipt to its closure, over the
  appeals closed in the period (mean and median);
- closure rate: of the appeals received in the period, the share closed by the period's end;
  withdrawn appeals are out of both;
- satisfaction: of the appeals closed in the period that were rated, the share rated 4 or 5;
- turnover: the people who left in the period (last day on the roster within it) ÷ the mean of
  the numbers on the roster on its first and its last day;
- participation: of the members on the period's last day, the share checked in at one union
  activity or more during the period;
- reach: of the members on the period's last day, the share who opened one union notice or
  more sent to them during the period (the inbox's read receipt).

Every figure can be taken for a part of the org (`Part`): one work site — the people whose work
site it is, the appeals about it — or one service group — the people in it today, and their
appeals. `figures_by` computes the figures of every site or group under an org at once, grouped
in the same queries."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db import connection
from django.db.models import Aggregate, Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionhome.appeals.models import Appeal
from unionhome.core import rows
from unionhome.core.models import Org, Site
from unionhome.core.scoping import within
from unionhome.members.models import Member, MemberStatus, ServiceGroup

DEFINITIONS = {
    "registration_rate": _(
        "注册率 = 期末在册职工中，期末是会员且已开通平台账号的人数 ÷ 期末在册职工人数"
        "（在册：入职日期不晚于当天、离职日期不早于当天；已注销个人信息者不计）。"
    ),
    "cycle_days": _("办理周期 = 期间内办结的诉求，从受理到办结的自然日数（按小时折算），取平均数和中位数。"),
    "closure_rate": _("办结率 = 期间内受理的诉求中，期末前已办结的件数 ÷ 受理件数（已撤回的不计）。"),
    "satisfaction": _("满意率 = 期间内办结并已评价的诉求中，评为 4 星或 5 星的件数 ÷ 已评价件数。"),
    "turnover": _("流失率 = 期间内离职人数 ÷（期初在册人数 + 期末在册人数）÷ 2。"),
    "participation": _("参与率 = 期末会员中，期间内至少参加（签到）过一次工会活动的人数 ÷ 期末会员人数。"),
    "reach": _("触达率 = 期末会员中，期间内至少打开过一条发给本人的工会通知的人数 ÷ 期末会员人数。"),
}


@dataclass
class Rate:
    key: str
    numerator: int
    denominator: float
    first: int | None = None  # turnover: the roster on the first day and on the last
    last: int | None = None

    @property
    def value(self) -> float | None:
        return round(self.numerator / self.denominator, 4) if self.denominator else None

    @property
    def definition(self) -> str:
        return str(DEFINITIONS[self.key])


@dataclass
class Cycle:
    mean: float | None
    median: float | None
    n: int
    key: str = "cycle_days"

    @property
    def definition(self) -> str:
        return str(DEFINITIONS[self.key])


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start 00:00, end + 1 day 00:00) in the current (the union's) time zone."""
        tz = timezone.get_current_timezone()
        return (
            dt.datetime.combine(self.start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
        )


# -- each definition once, as a condition on its records ----------------------------------------
# The drill-downs filter by these; `figures` counts with them, several in one aggregate query.


def q_on_roster(day: dt.date) -> Q:
    """On the roster on `day` (needs the `recorded_on` annotation of `_people`)."""
    return (Q(hired_on__lte=day) | Q(hired_on=None, recorded_on__lte=day)) & (
        Q(left_on=None) | Q(left_on__gte=day)
    )


def q_member_on(day: dt.date) -> Q:
    return Q(joined_on__lte=day) & (Q(membership_ended_on=None) | Q(membership_ended_on__gt=day))


def q_registered(day: dt.date) -> Q:
    """On the roster on `day`, a member that day, with an account opened by then."""
    end = Period(day, day).bounds()[1]
    return q_on_roster(day) & q_member_on(day) & Q(user__isnull=False, user__date_joined__lt=end)


def q_left_in(period: Period) -> Q:
    return Q(left_on__gte=period.start, left_on__lte=period.end)


def q_received(period: Period) -> Q:
    """Received in the period, not withdrawn: the closure rate's denominator."""
    start, end = period.bounds()
    return Q(received_at__gte=start, received_at__lt=end, withdrawn_at=None)


def q_closed_by_end(period: Period) -> Q:
    return q_received(period) & Q(closed_at__lt=period.bounds()[1])


def q_closed_in(period: Period) -> Q:
    """Closed in the period (the cycle's and satisfaction's appeals), not withdrawn."""
    start, end = period.bounds()
    return Q(closed_at__gte=start, closed_at__lt=end, withdrawn_at=None)


def q_rated(period: Period) -> Q:
    return q_closed_in(period) & Q(rating__isnull=False)


def q_satisfied(period: Period) -> Q:
    return q_rated(period) & Q(rating__gte=4)


# -- parts of an org -----------------------------------------------------------------------------

# A part's kind → the field its people and its appeals are grouped by.
PART_FIELDS = {
    "site": ("site", "site"),
    "group": ("groups__group", "member__groups__group"),
}


@dataclass(frozen=True)
class Part:
    """One work site (by id) or one service group (by code) of an org."""

    kind: str
    value: int | str

    def people(self) -> Q:
        return Q(**{PART_FIELDS[self.kind][0]: self.value})

    def appeals(self) -> Q:
        return Q(**{PART_FIELDS[self.kind][1]: self.value})


def parts_of(org: Org, kind: str) -> list[tuple[Part, str]]:
    """The org's work sites (its subtree's), or the six service groups, with their names."""
    if kind == "site":
        sites = within(Site.objects, org).order_by("name", "pk").values_list("pk", "name")
        return [(Part("site", pk), name) for pk, name in sites]
    return [(Part("group", code), str(label)) for code, label in ServiceGroup.choices]


# -- the records behind each figure ------------------------------------------------------------


def _people(org: Org, part: Part | None = None) -> QuerySet[Member]:
    people = (
        within(Member.objects, org)
        .exclude(status=MemberStatus.ANONYMISED)
        .annotate(recorded_on=TruncDate("created_at"))
    )
    return people.filter(part.people()) if part else people


def _appeals(org: Org, part: Part | None = None) -> QuerySet[Appeal]:
    appeals = within(Appeal.objects, org)
    return appeals.filter(part.appeals()) if part else appeals


def on_roster(org: Org, day: dt.date, part: Part | None = None) -> QuerySet[Member]:
    return _people(org, part).filter(q_on_roster(day))


def registered(org: Org, day: dt.date, part: Part | None = None) -> QuerySet[Member]:
    return _people(org, part).filter(q_registered(day))


def received(org: Org, period: Period, part: Part | None = None) -> QuerySet[Appeal]:
    return _appeals(org, part).filter(q_received(period))


def closed_by_end(org: Org, period: Period, part: Part | None = None) -> QuerySet[Appeal]:
    return _appeals(org, part).filter(q_closed_by_end(period))


def closed_in(org: Org, period: Period, part: Part | None = None) -> QuerySet[Appeal]:
    return _appeals(org, part).filter(q_closed_in(period))


def rated(org: Org, period: Period, part: Part | None = None) -> QuerySet[Appeal]:
    return _appeals(org, part).filter(q_rated(period))


def satisfied(org: Org, period: Period, part: Part | None = None) -> QuerySet[Appeal]:
    return _appeals(org, part).filter(q_satisfied(period))


def members_on(org: Org, day: dt.date, part: Part | None = None) -> QuerySet[Member]:
    """Members on `day`: joined by then, the membership not ended by then."""
    return _people(org, part).filter(q_member_on(day))


def _took_part(period: Period) -> Q:
    start, end = period.bounds()
    return Q(
        pk__in=Member.objects.filter(
            signups__checked_in_at__gte=start, signups__checked_in_at__lt=end
        ).values("pk")
    )


def _opened(period: Period) -> Q:
    start, end = period.bounds()
    opened = Member.objects.filter(
        user__notifications__ref__startswith="notice:",
        user__notifications__created_at__gte=start,
        user__notifications__created_at__lt=end,
        user__notifications__read_at__isnull=False,
    )
    return Q(pk__in=opened.values("pk"))


def participated(org: Org, period: Period, part: Part | None = None) -> QuerySet[Member]:
    return members_on(org, period.end, part).filter(_took_part(period))


def reached(org: Org, period: Period, part: Part | None = None) -> QuerySet[Member]:
    return members_on(org, period.end, part).filter(_opened(period))


def left_in(org: Org, period: Period, part: Part | None = None) -> QuerySet[Member]:
    return _people(org, part).filter(q_left_in(period))


# Each figure's drill-down: name → the records it counts.
RECORDS = {
    "roster_end": lambda org, p, part: on_roster(org, p.end, part),
    "roster_start": lambda org, p, part: on_roster(org, p.start, part),
    "registered": lambda org, p, part: registered(org, p.end, part),
    "received": received,
    "closed_by_end": closed_by_end,
    "closed_in": closed_in,
    "rated": rated,
    "satisfied": satisfied,
    "left_in": left_in,
    "members_end": lambda org, p, part: members_on(org, p.end, part),
    "participated": participated,
    "reached": reached,
}


def records(name: str, org: Org, period: Period, part: Part | None = None) -> QuerySet:
    return RECORDS[name](org, period, part)


# -- the figures ---------------------------------------------------------------------------------


def registration_rate(org: Org, period: Period) -> Rate:
    return Rate("registration_rate", registered(org, period.end).count(), on_roster(org, period.end).count())


ELAPSED = ExpressionWrapper(F("closed_at") - F("received_at"), output_field=DurationField())


def _days(value) -> float:
    return value.total_seconds() / 86400


class Median(Aggregate):
    """PostgreSQL's median of durations, in the same pass as the counts."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _cycle_of(closed: QuerySet[Appeal], n: int, mean, median=None) -> Cycle:
    """The median from the database: PostgreSQL's percentile_cont where there is one, else the
    middle one (two) of the durations in order."""
    if not n:
        return Cycle(None, None, 0)
    if median is not None:
        return Cycle(round(_days(mean), 2), round(_days(median), 2), n)
    ordered = closed.annotate(elapsed=ELAPSED).order_by("elapsed").values_list("elapsed", flat=True)
    middle = [ordered[n // 2]] if n % 2 else list(ordered[n // 2 - 1 : n // 2 + 1])
    median = statistics.fmean(_days(d) for d in middle)
    return Cycle(round(_days(mean), 2), round(median, 2), n)


def _medians() -> dict:
    return {"median": Median(ELAPSED)} if connection.vendor == "postgresql" else {}


def cycle(org: Org, period: Period) -> Cycle:
    closed = closed_in(org, period)
    row = closed.aggregate(n=Count("pk"), mean=Avg(ELAPSED), **_medians())
    return _cycle_of(closed, row["n"], row["mean"], row.get("median"))


def closure_rate(org: Org, period: Period) -> Rate:
    return Rate("closure_rate", closed_by_end(org, period).count(), received(org, period).count())


def satisfaction(org: Org, period: Period) -> Rate:
    return Rate("satisfaction", satisfied(org, period).count(), rated(org, period).count())


def turnover(org: Org, period: Period) -> Rate:
    first, last = on_roster(org, period.start).count(), on_roster(org, period.end).count()
    return Rate("turnover", left_in(org, period).count(), (first + last) / 2, first, last)


def participation(org: Org, period: Period) -> Rate:
    return Rate("participation", participated(org, period).count(), members_on(org, period.end).count())


def reach(org: Org, period: Period) -> Rate:
    return Rate("reach", reached(org, period).count(), members_on(org, period.end).count())


def _count(q: Q) -> Count:
    return Count("pk", filter=q)


def _counts(period: Period) -> tuple[dict, dict, dict]:
    """Each count is its definition's condition — the same the drill-down filters by — so that
    several are counted in one query: over the people, over the appeals received in the period,
    over those closed in it (with the mean cycle, and on PostgreSQL the median). A member is in a
    service group at most once, so grouping by group counts no one twice within a group."""
    _, end = period.bounds()
    people = {
        "roster_end": _count(q_on_roster(period.end)),
        "roster_start": _count(q_on_roster(period.start)),
        "registered": _count(q_registered(period.end)),
        "members": _count(q_member_on(period.end)),
        "participated": _count(q_member_on(period.end) & _took_part(period)),
        "reached": _count(q_member_on(period.end) & _opened(period)),
        "left": _count(q_left_in(period)),
    }
    got = {"n": _count(Q()), "closed": _count(Q(closed_at__lt=end))}
    done = {
        "n": _count(Q()),
        "rated": _count(Q(rating__isnull=False)),
        "satisfied": _count(Q(rating__gte=4)),
        "mean": Avg(ELAPSED),
        **_medians(),
    }
    return people, got, done


def _assembled(people: dict, got: dict, done: dict, cycle: Cycle) -> dict:
    first, last = people["roster_start"], people["roster_end"]
    return {
        "registration_rate": Rate("registration_rate", people["registered"], last),
        "cycle_days": cycle,
        "closure_rate": Rate("closure_rate", got["closed"], got["n"]),
        "satisfaction": Rate("satisfaction", done["satisfied"], done["rated"]),
        "turnover": Rate("turnover", people["left"], (first + last) / 2, first, last),
        "participation": Rate("participation", people["participated"], people["members"]),
        "reach": Rate("reach", people["reached"], people["members"]),
    }


def figures(org: Org, period: Period, part: Part | None = None) -> dict:
    """All seven at once, for the org's subtree or a part of it, in three queries (and the
    median's, outside PostgreSQL)."""
    people_n, got_n, done_n = _counts(period)
    with rows.custom_plans():
        people = _people(org, part).aggregate(**people_n)
        got = received(org, period, part).aggregate(**got_n)
        closed = closed_in(org, period, part)
        done = closed.aggregate(**done_n)
        cycle = _cycle_of(closed, done["n"], done["mean"], done.get("median"))
    return _assembled(people, got, done, cycle)


def figures_by(org: Org, period: Period, kind: str) -> list[tuple[Part, str, dict]]:
    """The figures of each work site (kind "site") or service group ("group") of the org, every
    part in the same three grouped queries: (part, its name, its figures)."""
    people_field, appeals_field = PART_FIELDS[kind]
    people_n, got_n, done_n = _counts(period)

    def grouped(queryset: QuerySet, field: str, counts: dict) -> dict:
        found = queryset.order_by().values(field).annotate(**counts)
        return {row[field]: row for row in found}

    with rows.custom_plans():
        people = grouped(_people(org), people_field, people_n)
        got = grouped(received(org, period), appeals_field, got_n)
        done = grouped(closed_in(org, period), appeals_field, done_n)
    out = []
    for part, name in parts_of(org, kind):
        p = people.get(part.value) or dict.fromkeys(people_n, 0)
        d = done.get(part.value) or dict.fromkeys(done_n, 0)
        closed = closed_in(org, period, part)
        cycle = _cycle_of(closed, d["n"], d["mean"], d.get("median"))
        out.append((part, name, _assembled(p, got.get(part.value) or dict.fromkeys(got_n, 0), d, cycle)))
    return out


def previous(period: Period) -> Period:
    """The period of the same length just before (month-on-month for a month)."""
    days = (period.end - period.start).days + 1
    if period.start.day == 1 and (period.end + dt.timedelta(days=1)).day == 1:  # whole months
        months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
        index = period.start.year * 12 + period.start.month - 1 - months
        start = dt.date(index // 12, index % 12 + 1, 1)
        return Period(start, period.start - dt.timedelta(days=1))
    return Period(period.start - dt.timedelta(days=days), period.start - dt.timedelta(days=1))


def value(figure) -> float | None:
    """One number per figure, for comparisons and tables (the cycle's mean)."""
    return figure.mean if isinstance(figure, Cycle) else figure.value


def breakdown(org: Org, period: Period) -> list[tuple[Org, dict]]:
    """The figures for the org and for each union directly under it (the sub-unions' table)."""
    children = Org.objects.filter(parent=org).order_by("name", "pk")
    return [(org, figures(org, period))] + [(child, figures(child, period)) for child in children]
