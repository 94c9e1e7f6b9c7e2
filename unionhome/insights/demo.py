"""The demo union's history (core.demo, after the other apps): the year before the platform as
the ledgers a union brings, and the roster's dates and the accounts' opening set so that the
before/after figures tell seed 000's story (table 2) — then a month of attendance with some
members over the limit, the sub-unions' quarterly plans, and last month's review.

Three years in all: the platform went live LAUNCH_DAYS (two years) ago, and the appeals app's
demo holds the two years since, as received here. The year before comes from the ledger
(`appeals.history`), with the old way's figures: a cycle of about 15 days, most closed, two in
three satisfied. About 30% had an account by the launch and nearly all some months on; about
20% of the roster left in the year before, fewer than one in ten in each year after."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from unionhome.appeals.history import import_appeals
from unionhome.appeals.models import Appeal, Category, Channel
from unionhome.core.guard import system
from unionhome.core.models import Org, Role, RoleAssignment, Site
from unionhome.core.scoping import within
from unionhome.integrations.models import Attendance
from unionhome.members.models import Member, MemberStatus, Post

from . import care, plans, review

LAUNCH_DAYS = 730
LEDGER_PER_DAY = 1.6
SEED = 2023
PLAN_ITEMS = [
    ("夏送清凉：一线岗位全覆盖", True),
    ("夜班职工健康体检", True),
    ("劳动合同到期续签提醒", False),
    ("技能比武：管道维修", False),
]


def demo_step(context: dict) -> None:
    enterprise: Org = context["enterprise"]
    with system():
        if within(Appeal.objects, enterprise).filter(source_id__startswith="ledger-").exists():
            return
        rng = random.Random(SEED)
        today = timezone.localdate()
        launch = today - dt.timedelta(days=LAUNCH_DAYS)
        chair = RoleAssignment.objects.filter(org=enterprise, role=Role.CHAIR).select_related("user").first()
        actor = chair.user if chair else get_user_model().objects.filter(is_superuser=True).first()
        with transaction.atomic():
            _ledger(enterprise, launch, rng, actor)
            _accounts(enterprise, launch, rng)
            _leavers(enterprise, launch, today, rng)
        _attendance(enterprise, today, rng)
        last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        for month in (last_month, today.replace(day=1)):
            care.care_flags_raise(month=month, today=today)
        _plans(enterprise, today, actor)
        review.review_build(org=enterprise, month=last_month)


def _ledger(enterprise: Org, launch: dt.date, rng: random.Random, actor) -> None:
    """The year before the launch, as the union's paper-and-Excel ledger recorded it."""
    sites = [s.name for s in within(Site.objects, enterprise)]
    categories = [c for c in Category.values if c != Category.OTHER] + [Category.OTHER]
    tz = timezone.get_current_timezone()
    lines = []
    for offset in range(365, 0, -1):
        day = launch - dt.timedelta(days=offset)
        for _ in range(_poisson(rng, LEDGER_PER_DAY)):
            received = dt.datetime.combine(day, dt.time(rng.randint(8, 18), rng.randint(0, 59)), tzinfo=tz)
            closed = None
            if rng.random() < 0.93:  # the old way lost some: about 7% never closed
                closed = received + dt.timedelta(hours=rng.gammavariate(3.0, 120.0))  # ≈ 15 days
            rating = None
            if closed and rng.random() < 0.7:
                rating = rng.choices([5, 4, 3, 2, 1], [0.30, 0.35, 0.20, 0.10, 0.05])[0]  # 65% 4–5
            lines.append({
                "source_id": f"ledger-{len(lines) + 1:05d}",
                "received_at": received.isoformat(),
                "closed_at": closed.isoformat() if closed else None,
                "category": rng.choice(categories),
                "site": rng.choice(sites) if sites and rng.random() < 0.8 else "",
                "channel": rng.choice([Channel.VISIT, Channel.BOX, Channel.HOTLINE]),
                "rating": rating,
                "withdrawn": rng.random() < 0.02,
            })  # fmt: skip
    import_appeals(org=enterprise, lines=[(i, line, "") for i, line in enumerate(lines, 1)], actor=actor)


def _accounts(enterprise: Org, launch: dt.date, rng: random.Random) -> None:
    """About 30% had an account and their membership by the launch; the rest came in the
    platform's first months."""
    tz = timezone.get_current_timezone()
    members = list(within(Member.objects, enterprise).filter(user__isnull=False).select_related("user"))
    users = []
    for member in members:
        early = rng.random() < 0.3
        days = rng.randint(30, 700) if early else -rng.randint(1, 200)
        opened = launch - dt.timedelta(days=days)
        member.user.date_joined = dt.datetime.combine(opened, dt.time(10), tzinfo=tz)
        users.append(member.user)
        if member.joined_on is None or member.joined_on > opened:
            member.joined_on = opened
        if member.hired_on and member.hired_on > opened:
            member.hired_on = opened
    get_user_model().objects.bulk_update(users, ["date_joined"], batch_size=500)
    Member.objects.bulk_update(members, ["joined_on", "hired_on"], batch_size=500)


def _leavers(enterprise: Org, launch: dt.date, today: dt.date, rng: random.Random) -> None:
    """People who left: about one in five of the roster in the year before the launch, one in
    twelve in each year since."""
    headcount = within(Member.objects, enterprise).count()
    branch = Org.objects.filter(parent=enterprise).order_by("pk").first() or enterprise
    rows = []
    years = [(launch - dt.timedelta(days=365), 0.2, "A")] + [
        (launch + dt.timedelta(days=365 * n), 0.08, "BCD"[n]) for n in range(LAUNCH_DAYS // 365)
    ]
    for year_start, share, tag in years:
        for i in range(round(headcount * share)):
            left = year_start + dt.timedelta(days=rng.randint(1, 364))
            rows.append(
                Member(
                    org=branch, name=f"离职职工{tag}{i + 1:03d}", employee_no=f"LZ{tag}{i + 1:04d}",
                    status=MemberStatus.ROSTER, post=rng.choice([Post.SECURITY, Post.CLEANING, Post.REPAIR]),
                    hired_on=left - dt.timedelta(days=rng.randint(200, 2000)), left_on=min(left, today),
                )
            )  # fmt: skip
    Member.objects.bulk_create(rows, batch_size=500)


def _attendance(enterprise: Org, today: dt.date, rng: random.Random) -> None:
    """The last 40 days: most work weekdays with a little overtime; one in twenty two hours
    over every weekday, one in fifty every day, one in fifty on nights."""
    members = list(
        within(Member.objects, enterprise).filter(status=MemberStatus.ACTIVE).values_list("pk", "org_id")
    )
    rows = []
    for pk, org_id in members:
        kind = rng.random()
        for offset in range(40, 0, -1):
            day = today - dt.timedelta(days=offset)
            weekend = day.weekday() >= 5
            if kind < 0.02:
                hours, overtime, night = 10, 2, False
            elif weekend:
                continue
            elif kind < 0.07:
                hours, overtime, night = 10, Decimal("2.5"), False
            elif kind < 0.09:
                hours, overtime, night = 8, 0, True
            else:
                hours, overtime, night = 8, Decimal("0.5") if rng.random() < 0.3 else 0, False
            rows.append(
                Attendance(
                    org_id=org_id, member_id=pk, date=day, hours=hours, overtime_hours=overtime, night=night
                )
            )
    Attendance.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)


def _plans(enterprise: Org, today: dt.date, actor) -> None:
    """Each sub-union's plan for last quarter (published, most done) and this one (published)."""
    year, quarter = plans.quarter_of(today)
    last = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    for n, branch in enumerate(Org.objects.filter(parent=enterprise).order_by("pk")):
        for (y, q), finished in ((last, True), ((year, quarter), False)):
            plan = plans.plan_for(actor=actor, org=branch, year=y, quarter=q)
            if plan.items.exists():
                continue
            period = plans.quarter_period(y, q)
            for i, (title, done) in enumerate(PLAN_ITEMS):
                due = min(period.start + dt.timedelta(days=20 * (i + 1)), period.end)
                item = plans.plan_item_add(
                    actor=actor, plan=plan, title=title, owner=f"{branch.name[:2]}负责人", due_on=due
                )
                if (finished and (done or (i + n) % 2 == 0)) or (not finished and done and due < today):
                    plans.plan_item_done(actor=actor, item=item, done_on=min(due, today))
            plans.plan_publish(actor=actor, plan=plan)


def _poisson(rng: random.Random, lam: float) -> int:
    import math

    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
