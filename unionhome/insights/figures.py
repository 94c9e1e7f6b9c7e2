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
  more sent to them during the period (the inbox's read receipt)."""

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
from unionhome.core.models import Org
from unionhome.core.scoping import within
from unionhome.members.models import Member, MemberStatus

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


# -- the records behind each figure ------------------------------------------------------------


def _people(org: Org) -> QuerySet[Member]:
    return (
        within(Member.objects, org)
        .exclude(status=MemberStatus.ANONYMISED)
        .annotate(recorded_on=TruncDate("created_at"))
    )


def _appeals(org: Org) -> QuerySet[Appeal]:
    return within(Appeal.objects, org)


def on_roster(org: Org, day: dt.date) -> QuerySet[Member]:
    return _people(org).filter(q_on_roster(day))


def registered(org: Org, day: dt.date) -> QuerySet[Member]:
    return _people(org).filter(q_registered(day))


def received(org: Org, period: Period) -> QuerySet[Appeal]:
    return _appeals(org).filter(q_received(period))


def closed_by_end(org: Org, period: Period) -> QuerySet[Appeal]:
    return _appeals(org).filter(q_closed_by_end(period))


def closed_in(org: Org, period: Period) -> QuerySet[Appeal]:
    return _appeals(org).filter(q_closed_in(period))


def rated(org: Org, period: Period) -> QuerySet[Appeal]:
    return _appeals(org).filter(q_rated(period))


def satisfied(org: Org, period: Period) -> QuerySet[Appeal]:
    return _appeals(org).filter(q_satisfied(period))


def members_on(org: Org, day: dt.date) -> QuerySet[Member]:
    """Members on `day`: joined by then, the membership not ended by then."""
    return within(Member.objects, org).exclude(status=MemberStatus.ANONYMISED).filter(q_member_on(day))


def participated(org: Org, period: Period) -> QuerySet[Member]:
    start, end = period.bounds()
    took_part = Q(signups__checked_in_at__gte=start, signups__checked_in_at__lt=end)
    return members_on(org, period.end).filter(pk__in=Member.objects.filter(took_part).values("pk"))


def reached(org: Org, period: Period) -> QuerySet[Member]:
    start, end = period.bounds()
    opened = Q(
        user__notifications__ref__startswith="notice:",
        user__notifications__created_at__gte=start,
        user__notifications__created_at__lt=end,
        user__notifications__read_at__isnull=False,
    )
    return members_on(org, period.end).filter(pk__in=Member.objects.filter(opened).values("pk"))


def left_in(org: Org, period: Period) -> QuerySet[Member]:
    return within(Member.objects, org).exclude(status=MemberStatus.ANONYMISED).filter(q_left_in(period))


# Each figure's drill-down: name → (the records it counts, what they are).
RECORDS = {
    "roster_end": lambda org, p: on_roster(org, p.end),
    "roster_start": lambda org, p: on_roster(org, p.start),
    "registered": lambda org, p: registered(org, p.end),
    "received": received,
    "closed_by_end": closed_by_end,
    "closed_in": closed_in,
    "rated": rated,
    "satisfied": satisfied,
    "left_in": left_in,
    "members_end": lambda org, p: members_on(org, p.end),
    "participated": participated,
    "reached": reached,
}


def records(name: str, org: Org, period: Period) -> QuerySet:
    return RECORDS[name](org, period)


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


def figures(org: Org, period: Period) -> dict:
    """All seven at once: each count is its definition's condition (the same the drill-down
    filters by), several counted in one query — one over the people, one over the appeals
    received in the period, one over those closed in it, and the median's."""
    start, end = period.bounds()

    def count(q: Q) -> Count:
        return Count("pk", filter=q)

    people = _people(org).aggregate(
        roster_end=count(q_on_roster(period.end)),
        roster_start=count(q_on_roster(period.start)),
        registered=count(q_registered(period.end)),
        members=count(q_member_on(period.end)),
        left=count(q_left_in(period)),
    )
    got = (
        _appeals(org).filter(q_received(period)).aggregate(n=Count("pk"), closed=count(Q(closed_at__lt=end)))
    )
    closed = _appeals(org).filter(q_closed_in(period))
    done = closed.aggregate(
        n=Count("pk"),
        rated=count(Q(rating__isnull=False)),
        satisfied=count(Q(rating__gte=4)),
        mean=Avg(ELAPSED),
    )
    first, last = people["roster_start"], people["roster_end"]
    return {
        "registration_rate": Rate("registration_rate", people["registered"], last),
        "cycle_days": _cycle_of(closed, done["n"], done["mean"], done.get("median")),
        "closure_rate": Rate("closure_rate", got["closed"], got["n"]),
        "satisfaction": Rate("satisfaction", done["satisfied"], done["rated"]),
        "turnover": Rate("turnover", people["left"], (first + last) / 2, first, last),
        "participation": Rate("participation", participated(org, period).count(), people["members"]),
        "reach": Rate("reach", reached(org, period).count(), people["members"]),
    }


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
