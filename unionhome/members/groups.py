"""The six service groups of seed 002 §3.2, derived from the profile by written rules.

| group | rule |
|---|---|
| 新入职 new_hire | hired (or, with no hire date, joined the union) within the last 12 months |
| 一线倒班 frontline_shift | works rotating shifts or nights, or the attendance feed reported a night shift in the last 30 days |
| 女职工 women | gender female |
| 外派人员 posted | marked as posted away from the home site (外派) |
| 困难职工 hardship | marked in hardship by union staff (the hardship ledger sets this) |
| 临退人员 near_retirement | statutory retirement date within the next 24 months |

The statutory retirement age follows the 2025 reform (全国人大常委会, 2024-09-13): men 60,
women in cadre posts 55, other women 50, each raised by one month for every 4 months of birth
after the start (every 2 months for women at 50) up to 63 / 58 / 55. We treat 管理 and 客服 posts
as cadre posts, every other post as a worker post.

`recompute(member)` is called by every service that changes a profile, and by the roster import.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from unionhome.core.scoping import by_rule, own

from .models import Gender, Member, MemberGroup, Post, ServiceGroup, Shift

NEW_HIRE_DAYS = 365
NIGHT_DAYS = 30
NEAR_RETIREMENT_MONTHS = 24
CADRE_POSTS = {Post.MANAGEMENT, Post.SERVICE}

# (original age in years, first birth month affected, months of birth per month of delay, max delay)
_REFORM = {
    "M": (60, (1965, 1), 4, 36),
    "F55": (55, (1970, 1), 4, 36),
    "F50": (50, (1975, 1), 2, 60),
}


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    # Clamp the day: someone born on the 31st retires at the end of a shorter month.
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, d)
        except ValueError:
            continue
    raise ValueError(day)


def retirement_date(*, birth_date: dt.date, gender: str, post: str) -> dt.date:
    if gender == Gender.FEMALE:
        key = "F55" if post in CADRE_POSTS else "F50"
    else:
        key = "M"
    age, (start_year, start_month), step, cap = _REFORM[key]
    months_after_start = (birth_date.year * 12 + birth_date.month) - (start_year * 12 + start_month)
    delay = 0 if months_after_start < 0 else min(cap, months_after_start // step + 1)
    return _add_months(birth_date, age * 12 + delay)


def age_band(birth_date: dt.date | None, today: dt.date | None = None) -> str:
    if birth_date is None:
        return ""
    today = today or timezone.localdate()
    age = today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
    if age < 30:
        return "<30"
    if age >= 60:
        return "60+"
    low = age // 10 * 10
    return f"{low}-{low + 9}"


def groups_for(member: Member, today: dt.date | None = None) -> set[str]:
    today = today or timezone.localdate()
    groups: set[str] = set()
    started = member.hired_on or member.joined_on
    if started and (today - started).days <= NEW_HIRE_DAYS:
        groups.add(ServiceGroup.NEW_HIRE)
    night = member.last_night_on and 0 <= (today - member.last_night_on).days <= NIGHT_DAYS
    if member.shift in (Shift.ROTATING, Shift.NIGHT) or night:
        groups.add(ServiceGroup.FRONTLINE_SHIFT)
    if member.gender == Gender.FEMALE:
        groups.add(ServiceGroup.WOMEN)
    if member.posted_away:
        groups.add(ServiceGroup.POSTED)
    if member.hardship:
        groups.add(ServiceGroup.HARDSHIP)
    if member.birth_date and member.gender:
        retires = retirement_date(birth_date=member.birth_date, gender=member.gender, post=member.post)
        if today <= retires <= _add_months(today, NEAR_RETIREMENT_MONTHS):
            groups.add(ServiceGroup.NEAR_RETIREMENT)
    return groups


def recompute(member: Member, today: dt.date | None = None) -> set[str]:
    """Bring the stored groups in line with the profile; returns the groups now held."""
    wanted = groups_for(member, today)
    with transaction.atomic():
        held = own(MemberGroup.objects, member)
        have = set(held.values_list("group", flat=True))
        if have - wanted:
            held.filter(group__in=have - wanted).delete()
        if wanted - have:
            MemberGroup.objects.bulk_create([MemberGroup(member=member, group=g) for g in wanted - have])
    return wanted


def recompute_many(members: list[Member], today: dt.date | None = None) -> None:
    """Bulk form for imports: one delete and one insert for the whole batch."""
    today = today or timezone.localdate()
    rows = [MemberGroup(member=m, group=g) for m in members for g in groups_for(m, today)]
    with transaction.atomic():
        by_rule(MemberGroup.objects, "the groups of members in hand").filter(
            member__in=[m.pk for m in members]
        ).delete()
        MemberGroup.objects.bulk_create(rows, batch_size=1000)
