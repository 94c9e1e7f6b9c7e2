"""Courses and the progress members earn in them (D1).

Progress is earned, not clicked:
- a video counts when the server has seen heartbeats in ≥ 90% of its 10-second stretches, and it
  counts at most one stretch per MIN_GAP seconds of its own clock — so a script that posts every
  position at once earns one stretch, and the fastest a video can be earned is 0.9 × 0.8 of its
  length;
- a document or a text counts when the member opened it and the page reported its end was
  reached after that;
- an offline session counts when the member checked in at its activity (QR, C3).
A course is finished when every lesson counts and, if it requires its exam (逢学必考), the exam
is passed."""

from __future__ import annotations

import math
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core.errors import DomainError, NotFound, refuse
from unionhome.core.models import Org
from unionhome.core.scoping import above, by_rule, own, within
from unionhome.members.audience import audience_matcher, clean_audience

from .models import Attempt, Course, Enrolment, Exam, Lesson, LessonKind, Progress

STRETCH = 10  # seconds of video per mark
MIN_GAP = 8  # seconds of the server's clock between two marks
SHARE = 0.9


# -- staff -------------------------------------------------------------------------------------


def course_create(*, org: Org, data: dict) -> Course:
    title = str(data.get("title") or "").strip()
    errors = {}
    if not title or len(title) > 120:
        errors["title"] = _("请填写课程名称（最多 120 字）")
    exam = None
    if data.get("exam"):
        exam = above(Exam.objects, org).filter(pk=data["exam"]).first()
        if exam is None:
            errors["exam"] = _("没有这场考试")
    if data.get("exam_required") and exam is None:
        errors.setdefault("exam", _("学完必考需要选一场考试"))
    refuse(errors)
    return Course.objects.create(
        org=org,
        title=title,
        summary=str(data.get("summary") or "").strip()[:2000],
        audience=clean_audience(org, data.get("audience")),
        shared=bool(data.get("shared", True)),
        exam=exam,
        exam_required=bool(data.get("exam_required")),
        published_at=timezone.now() if data.get("publish", True) else None,
    )


def lesson_add(*, course: Course, data: dict) -> Lesson:
    kind = data.get("kind")
    title = str(data.get("title") or "").strip()
    errors = {}
    if kind not in LessonKind.values:
        errors["kind"] = _("类型应为 video、document、text 或 session")
    if not title or len(title) > 120:
        errors["title"] = _("请填写标题（最多 120 字）")
    seconds = data.get("seconds") or 0
    if kind == LessonKind.VIDEO and (
        isinstance(seconds, bool) or not isinstance(seconds, int) or not 1 <= seconds <= 36000
    ):
        errors["seconds"] = _("视频时长应在 1 到 36000 秒之间")
    media_url = str(data.get("media_url") or "").strip()
    if media_url and not (
        media_url.startswith(("https://", "http://"))
        or media_url.startswith("/")
        and not media_url.startswith("//")
    ):
        errors["media_url"] = _("地址应以 https:// 开头")
    activity = None
    if kind == LessonKind.SESSION:
        from unionhome.activities.models import Activity

        activity = within(Activity.objects, course.org).filter(pk=data.get("activity") or 0).first()
        if activity is None:
            errors["activity"] = _("线下课需要本工会的一个活动")
    refuse(errors)
    position = (course.lessons.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    return Lesson.objects.create(
        course=course,
        position=position,
        kind=kind,
        title=title,
        body=str(data.get("body") or "")[:20000],
        media=data.get("media") or "",
        media_url=media_url[:300],
        seconds=seconds if kind == LessonKind.VIDEO else 0,
        activity=activity,
    )


# -- what a member may take ------------------------------------------------------------------------


def courses_for(member) -> list[Course]:
    """Published courses of the member's union, and shared ones of the unions above it, whose
    audience includes the member."""
    if member is None:
        return []
    matches = audience_matcher(member)
    found = (
        above(Course.objects, member.org)
        .filter(published_at__isnull=False)
        .select_related("org", "exam")
        .order_by("-published_at", "-pk")
    )
    return [c for c in found if (c.org_id == member.org_id or c.shared) and matches(c.org, c.audience)]


def course_for(member, pk: int) -> Course:
    course = next((c for c in courses_for(member) if c.pk == pk), None)
    if course is None:
        raise NotFound()
    return course


def lesson_for(member, pk: int) -> Lesson:
    lesson = Lesson.objects.select_related("course").filter(pk=pk).first()
    if lesson is None:
        raise NotFound()
    course_for(member, lesson.course_id)
    return lesson


def _progress(member, lesson: Lesson, *, lock: bool = False) -> Progress:
    mine = own(Progress.objects, member)
    if lock:
        mine = mine.select_for_update()
    found = mine.filter(lesson=lesson).first()
    if found is None:
        own(Progress.objects, member).get_or_create(
            member=member, lesson=lesson, defaults={"org": member.org}
        )
        found = mine.get(lesson=lesson)
    return found


def stretches(lesson: Lesson) -> int:
    return max(1, math.ceil(lesson.seconds / STRETCH))


def _started(member, course: Course, now) -> None:
    enrolment, _created = own(Enrolment.objects, member).get_or_create(
        member=member, course=course, defaults={"org": member.org, "started_at": now}
    )
    if enrolment.started_at is None:
        own(Enrolment.objects, member).filter(pk=enrolment.pk).update(started_at=now)


def lesson_open(member, lesson: Lesson, now=None) -> Progress:
    now = now or timezone.now()
    with transaction.atomic():
        progress = _progress(member, lesson, lock=True)
        if progress.opened_at is None:
            progress.opened_at = now
            progress.save(update_fields=["opened_at"])
        _started(member, lesson.course, now)
    return progress


def heartbeat(member, lesson: Lesson, position, now=None) -> Progress:
    """The player says where it is. The stretch there counts if the last counted one was at
    least MIN_GAP seconds ago on the server's clock; the position is kept to resume from."""
    if lesson.kind != LessonKind.VIDEO:
        raise DomainError("invalid", _("只有视频需要播放进度"), fields={"position": _("不是视频")})
    if (
        isinstance(position, bool)
        or not isinstance(position, int | float)
        or not 0 <= position <= lesson.seconds
    ):
        raise DomainError(
            "invalid", _("播放位置不对"), fields={"position": _("0 到 %(n)d 秒") % {"n": lesson.seconds}}
        )
    now = now or timezone.now()
    with transaction.atomic():
        progress = _progress(member, lesson, lock=True)
        seen = list(progress.seen.ljust(stretches(lesson), "0"))[: stretches(lesson)]
        progress.position = int(position)
        if progress.beat_at is None or now - progress.beat_at >= timedelta(seconds=MIN_GAP):
            seen[min(int(position) // STRETCH, len(seen) - 1)] = "1"
            progress.beat_at = now
        progress.seen = "".join(seen)
        if progress.done_at is None and progress.seen.count("1") >= math.ceil(SHARE * len(seen)):
            progress.done_at = now
        progress.opened_at = progress.opened_at or now
        progress.save(update_fields=["position", "seen", "beat_at", "done_at", "opened_at"])
        _started(member, lesson.course, now)
    if progress.done_at == now:
        course_check(member, lesson.course)
    return progress


def reached_end(member, lesson: Lesson, now=None) -> Progress:
    """A document or text read to its end (the page reports it once the end is on screen)."""
    if lesson.kind not in (LessonKind.DOCUMENT, LessonKind.TEXT):
        raise DomainError("invalid", _("只有文档和图文按读完计"), fields={"lesson": _("类型不对")})
    now = now or timezone.now()
    with transaction.atomic():
        progress = _progress(member, lesson, lock=True)
        if progress.opened_at is None:
            raise DomainError("invalid", _("请先打开这一课"), fields={"lesson": _("还没有打开")})
        if progress.done_at is None:
            progress.done_at = now
            progress.save(update_fields=["done_at"])
    course_check(member, lesson.course)
    return progress


def _sessions_checked_in(member, lessons: list[Lesson]) -> set[int]:
    from unionhome.activities.models import Signup

    activities = {
        lesson.activity_id for lesson in lessons if lesson.kind == LessonKind.SESSION and lesson.activity_id
    }
    if not activities:
        return set()
    return set(
        own(Signup.objects, member)
        .filter(activity_id__in=activities, checked_in_at__isnull=False)
        .values_list("activity_id", flat=True)
    )


def state(member, course: Course) -> dict:
    """The member's lessons with what counts, the exam, and whether the course is finished."""
    lessons = list(course.lessons.all())
    progress = {p.lesson_id: p for p in own(Progress.objects, member).filter(lesson__course=course)}
    checked_in = _sessions_checked_in(member, lessons)
    rows = []
    for lesson in lessons:
        p = progress.get(lesson.pk)
        done = (
            lesson.activity_id in checked_in if lesson.kind == LessonKind.SESSION else bool(p and p.done_at)
        )
        share = None
        if lesson.kind == LessonKind.VIDEO and p:
            share = round(p.seen.count("1") / stretches(lesson), 2)
        rows.append({"lesson": lesson, "done": done, "progress": p, "share": share})
    passed = bool(
        course.exam_id and own(Attempt.objects, member).filter(exam_id=course.exam_id, passed=True).exists()
    )
    lessons_done = all(r["done"] for r in rows)
    finished = lessons_done and (passed or not course.exam_required)
    return {
        "lessons": rows,
        "done": sum(r["done"] for r in rows),
        "total": len(rows),
        "exam_passed": passed,
        "exam_open": bool(course.exam_id),
        "finished": finished,
    }


def course_check(member, course: Course) -> bool:
    """Mark the course finished when it is (once)."""
    if not state(member, course)["finished"]:
        return False
    now = timezone.now()
    enrolment, _created = own(Enrolment.objects, member).get_or_create(
        member=member, course=course, defaults={"org": member.org, "started_at": now}
    )
    if enrolment.completed_at is None:
        own(Enrolment.objects, member).filter(pk=enrolment.pk, completed_at__isnull=True).update(
            completed_at=now
        )
    return True


def exam_passed(attempt: Attempt) -> None:
    """A passed exam may finish the courses that require it."""
    for course in by_rule(Course.objects, "the courses ending in the exam just passed").filter(
        exam=attempt.exam
    ):
        course_check(attempt.member, course)
