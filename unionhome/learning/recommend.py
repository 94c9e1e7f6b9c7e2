"""What learning offers a member now (D4), for the recommendations (insights.recommend): the
courses they may take and have not finished, the contests open to them they have not entered —
each with whether it was aimed at their post or skill level, and the words that say so
("因为您是维修岗·中级工")."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core.scoping import own
from unionhome.members.models import Post, SkillLevel

from . import contests, courses
from .models import Course, Enrolment, Entry


@dataclass
class Offer:
    key: str  # "course:3"
    kind: str  # course | contest
    title: str
    text: str
    url: str
    fits: str  # "因为您是维修岗·中级工", or "" when not aimed at the member's post or level


def fits(member, audience: dict) -> str:
    """Why this is for the member, when its audience names their post or skill level."""
    parts = []
    if member.post in (audience.get("posts") or []):
        parts.append(_("%(post)s岗") % {"post": Post(member.post).label})
    if (
        member.skill_level
        and member.skill_level in (audience.get("levels") or [])
        or parts
        and member.skill_level
    ):
        parts.append(str(SkillLevel(member.skill_level).label))
    return _("因为您是%(who)s") % {"who": "·".join(parts)} if parts else ""


def offers(member) -> list[Offer]:
    finished = set(
        own(Enrolment.objects, member).filter(completed_at__isnull=False).values_list("course_id", flat=True)
    )
    out = [
        Offer(
            f"course:{c.pk}",
            "course",
            c.title,
            c.summary,
            f"/learning/courses/{c.pk}/",
            fits(member, c.audience),
        )
        for c in courses.courses_for(member)
        if c.pk not in finished
    ]
    entered = set(own(Entry.objects, member).values_list("contest_id", flat=True))
    now = timezone.now()
    out += [
        Offer(
            f"contest:{c.pk}", "contest", c.title, c.summary, f"/contests/{c.pk}/", fits(member, c.audience)
        )
        for c in contests.contests_for(member)
        if c.pk not in entered
        and c.closed_at is None
        and (c.signup_closes_at is None or now < c.signup_closes_at)
        and contests.eligible(c, member)
    ]
    return out


def taken(member) -> list[tuple[str, str, str, bool]]:
    """The member's take-up as (key, title, summary, finished): courses started, contests entered."""
    rows = [
        (f"course:{e.course_id}", e.course.title, e.course.summary, e.completed_at is not None)
        for e in own(Enrolment.objects, member).filter(started_at__isnull=False).select_related("course")[:50]
    ]
    rows += [
        (f"contest:{e.contest_id}", e.contest.title, e.contest.summary, True)
        for e in own(Entry.objects, member).select_related("contest")[:50]
    ]
    return rows


def titles(keys: set[str]) -> list[tuple[str, str]]:
    """(key, title) of dismissed courses, for the negative evidence."""
    from unionhome.core.scoping import by_rule

    ids = [int(k.split(":")[1]) for k in keys if k.startswith("course:")]
    return [
        (f"course:{c.pk}", c.title)
        for c in by_rule(Course.objects, "courses the member dismissed").filter(pk__in=ids)[:50]
    ]
