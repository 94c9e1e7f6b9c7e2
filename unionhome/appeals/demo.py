"""A year of appeal history for the demo union, so the figures page tells a true-to-life story on
first run: the processing cycle falls from about 15 days to about 5 as the platform beds in
(seed 000 table 2), closure stays above 98%, satisfaction rises; a few appeals are open and overdue,
one site has a recurring hot-water problem this quarter, and the weekly review has an open risk.

Idempotent: it does nothing when the demo union already has appeals."""

from __future__ import annotations

import datetime as dt
import json
import random

from django.db import transaction
from django.utils import timezone

from unionhome.core.models import AuditLog, Org, Role, RoleAssignment
from unionhome.core.workdays import WorkdayCalendar
from unionhome.members.models import Member

from .classifier import TRAIN_FILE
from .models import Appeal, Channel, Dispatch, DispatchStatus, Outcome, RiskItem, RiskKind, Route, Status
from .review import week_of
from .services import ROUTE_WORKDAYS

DAYS = 730  # the two years since the platform went live (insights.demo holds the year before)
PER_DAY = 1.4
CHANNELS = [
    (Channel.ONLINE, 0.55),
    (Channel.HOTLINE, 0.18),
    (Channel.BOX, 0.1),
    (Channel.VISIT, 0.1),
    (Channel.STATION, 0.07),
]
ROUTE_FOR = {
    "wages": Route.COORDINATION,
    "hours": Route.COORDINATION,
    "safety": Route.IMMEDIATE,
    "contract": Route.POLICY,
    "living": Route.COORDINATION,
    "skills": Route.POLICY,
    "women": Route.COORDINATION,
    "family": Route.COORDINATION,
    "management": Route.NEGOTIATION,
    "other": Route.IMMEDIATE,
}
HOT_WATER = [
    "宿舍热水器又坏了，报修三天没人来，下夜班回来洗不了澡。",
    "宿舍楼的热水器坏了好几天了，报修了没人修，大冬天只能用冷水。",
    "热水器坏了一个星期，宿舍十几个人都洗不了热水澡，报修一直没人管。",
    "宿舍热水又没了，热水器报修好几次都没人来修，请工会帮忙催一下。",
]


def _weighted(rng: random.Random, pairs):
    x, acc = rng.random(), 0.0
    for value, weight in pairs:
        acc += weight
        if x < acc:
            return value
    return pairs[-1][0]


def build(enterprise: Org, seed: int = 2026) -> int:
    if Appeal.objects.filter(org__path__startswith=enterprise.path).exists():
        return 0
    rng = random.Random(seed)
    examples = json.loads(TRAIN_FILE.read_text(encoding="utf-8"))
    members = list(Member.objects.filter(org__path__startswith=enterprise.path, user__isnull=False))
    staff = list(
        RoleAssignment.objects.filter(org=enterprise, role__in=[Role.STAFF, Role.CHAIR]).values_list(
            "user_id", flat=True
        )
    )
    calendar = WorkdayCalendar()
    now = timezone.now()
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    rows: list[Appeal] = []
    for day_offset in range(DAYS, 0, -1):
        day = today - dt.timedelta(days=day_offset)
        for _ in range(_poisson(rng, PER_DAY)):
            example = rng.choice(examples)
            member = rng.choice(members)
            received = dt.datetime.combine(day, dt.time(rng.randint(7, 21), rng.randint(0, 59)), tzinfo=tz)
            rows.append(_history(rng, example, member, received, staff, calendar, day_offset, today))
    # This quarter: the same hot-water problem again and again at one site.
    site_member = next(m for m in members if m.site_id)
    for i, text in enumerate(HOT_WATER):
        received = now - dt.timedelta(days=20 - 4 * i, hours=3)
        example = {"text": text, "category": "living", "urgent": False}
        appeal = _history(rng, example, site_member, received, staff, calendar, 20 - 4 * i, today)
        appeal.site_id = site_member.site_id
        rows.append(appeal)
    with transaction.atomic():
        for n, appeal in enumerate(rows, start=1):
            appeal.number = Appeal.number_for(appeal.received_at, n)
        Appeal.objects.bulk_create(rows, batch_size=500)
        saved = list(Appeal.objects.filter(org__path__startswith=enterprise.path).order_by("pk"))
        _timelines(saved)
        _cluster(saved, site_member.site_id)
        _dispatches(saved, calendar, today)
        RiskItem.objects.create(
            org=enterprise,
            site=site_member.site,
            kind=RiskKind.COMPLAINTS,
            week=week_of(today),
            detail=f"{site_member.site.name}：宿舍热水器问题近四周反复出现 4 次",
            recent=4,
            previous=0,
            owner_id=staff[0] if staff else None,
            next_step="约行政部现场查看，本周内给出维修或更换方案",
        )
    return len(rows)


def _poisson(rng: random.Random, lam: float) -> int:
    import math

    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _history(rng, example, member, received, staff, calendar, days_ago, today) -> Appeal:
    category = example["category"]
    route = ROUTE_FOR[category]
    workdays = ROUTE_WORKDAYS[route]
    due_on = calendar.workdays_after(received.date(), workdays)
    owner = rng.choice(staff) if staff else None
    appeal = Appeal(
        org_id=member.org_id,
        site_id=member.site_id,
        member=member,
        submitted_by_id=member.user_id,
        channel=_weighted(rng, CHANNELS),
        text=example["text"],
        received_at=received,
        category=category,
        category_suggested=category,
        category_confirmed=True,
        confidence=0.9,
        urgent=bool(example["urgent"]),
        status=Status.ROUTED,
        route=route,
        workdays=workdays,
        due_on=due_on,
        owner_id=owner,
        supervision=route == Route.COORDINATION,
        negotiation_list=route == Route.NEGOTIATION,
        congress_list=route == Route.NEGOTIATION and category in ("wages", "hours"),
    )
    # The cycle shortens as the platform beds in: ~15 days at the launch, ~5 days now.
    typical = 5 + 10 * (days_ago / DAYS)
    cycle_days = (
        max(0.2, rng.gauss(typical, typical / 3)) if route != Route.IMMEDIATE else rng.uniform(0.1, 0.9)
    )
    closed_at = received + dt.timedelta(days=cycle_days)
    if closed_at.date() >= today or rng.random() < 0.012:
        # Still open: some of them past their deadline.
        if due_on < today:
            appeal.overdue = appeal.ever_overdue = True
            appeal.escalated_at = received + dt.timedelta(days=workdays + 2)
        return appeal
    appeal.status = Status.CLOSED
    appeal.closed_at = closed_at
    appeal.outcome = _weighted(
        rng, [(Outcome.RESOLVED, 0.86), (Outcome.IN_PROGRESS, 0.1), (Outcome.UNRESOLVABLE, 0.04)]
    )
    appeal.reply = "已核实并处理，感谢您的反映。"
    appeal.ever_overdue = closed_at.date() > due_on
    appeal.knows_result = True
    appeal.accepts_result = rng.random() < 0.93
    appeal.followed_up_at = closed_at + dt.timedelta(days=1)
    if rng.random() < 0.8:
        satisfied_share = 0.65 + 0.27 * (1 - days_ago / DAYS)  # 65% → 92%
        appeal.rating = rng.choice([4, 5]) if rng.random() < satisfied_share else rng.choice([2, 3])
        appeal.rated_at = closed_at + dt.timedelta(hours=rng.randint(1, 48))
        appeal.status = Status.RATED
    return appeal


def _timelines(appeals: list[Appeal]) -> None:
    """The member's timeline for each appeal, with the real times (bulk insert, then dated)."""
    entries, stamps = [], []
    for a in appeals:
        steps = [("appeals.appeal.submitted", a.received_at, "")]
        steps.append(("appeals.appeal.routed", a.received_at + dt.timedelta(hours=2), a.get_route_display()))
        if a.closed_at:
            steps.append(("appeals.appeal.closed", a.closed_at, a.reply))
        if a.rated_at:
            steps.append(("appeals.appeal.rated", a.rated_at, ""))
        if a.overdue and a.escalated_at:
            steps.append(("appeals.appeal.overdue", a.escalated_at, ""))
        for action, at, note in steps:
            entries.append(
                AuditLog(
                    action=action,
                    object_type="appeals.appeal",
                    object_id=str(a.pk),
                    org_id=a.org_id,
                    data={"note": note},
                    timeline=True,
                )
            )
            stamps.append(at)
    created = AuditLog.objects.bulk_create(entries, batch_size=1000)
    # auto_now_add stamps "now"; set the historical times in one pass per batch.
    for entry, at in zip(created, stamps, strict=True):
        entry.at = at
    AuditLog.objects.bulk_update(created, ["at"], batch_size=1000)


def _cluster(appeals: list[Appeal], site_id: int) -> None:
    hot = [a for a in appeals if a.site_id == site_id and a.text in HOT_WATER]
    if hot:
        Appeal.objects.filter(pk__in=[a.pk for a in hot]).update(cluster_id=hot[0].pk)


# The departments the demo's handlers answer for (members.demo.HANDLER_DEPTS).
DISPATCH_TO = ["人力资源部", "行政部", "安全部"]


def _dispatches(appeals: list[Appeal], calendar, today) -> None:
    """会办单 for the departments' handlers: open appeals waiting on a department, and closed ones
    a department answered, so each handler's queue and answered tab hold something."""
    waiting = [a for a in appeals if a.status == Status.ROUTED and a.route == Route.COORDINATION][:6]
    answered = [
        a for a in appeals if a.status in (Status.CLOSED, Status.RATED) and a.route == Route.COORDINATION
    ][:6]
    rows = []
    for i, appeal in enumerate(waiting):
        rows.append(
            Dispatch(
                appeal=appeal,
                position=1,
                department=DISPATCH_TO[i % len(DISPATCH_TO)],
                due_on=calendar.workdays_after(today, 2),
                evidence_required="相关记录（考勤、排班或维修单）",
                status=DispatchStatus.PENDING,
            )
        )
    for i, appeal in enumerate(answered):
        rows.append(
            Dispatch(
                appeal=appeal,
                position=1,
                department=DISPATCH_TO[i % len(DISPATCH_TO)],
                due_on=appeal.closed_at.date(),
                status=DispatchStatus.ANSWERED,
                answer="已核实，按规定处理完毕。",
                answered_at=appeal.closed_at - dt.timedelta(hours=6),
            )
        )
    Dispatch.objects.bulk_create(rows)
    Appeal.objects.filter(pk__in=[a.pk for a in waiting]).update(status=Status.DISPATCHED)


def demo_step(context: dict) -> None:
    """The demo's appeals (core.demo)."""
    build(context["enterprise"])
