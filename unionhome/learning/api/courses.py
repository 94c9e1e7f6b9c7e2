"""Courses and earned progress (D1)."""

from __future__ import annotations

from typing import Literal

from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from unionhome.core.api import Created, staff_org
from unionhome.core.bounds import Id
from unionhome.core.errors import NotFound
from unionhome.core.openapi import refuses
from unionhome.core.scoping import get_scoped, scope
from unionhome.members.audience import AudienceIn
from unionhome.members.selectors import require_active_member

from .. import courses, documents
from ..models import Course, Lesson, LessonKind

router = Router(tags=["learning"])


class CourseIn(Schema):
    title: str = Field(..., max_length=120)
    summary: str = Field("", max_length=2000)
    audience: AudienceIn = Field(default_factory=AudienceIn)
    shared: bool = Field(True, description="the unions below may offer it to their members")
    exam: Id | None = None
    exam_required: bool = Field(False, description="the course is finished only when its exam is passed")
    publish: bool = True
    org: Id | None = None


@router.post("/courses", response={201: Created})
@refuses(404)
def course_create(request, payload: CourseIn):
    org = staff_org(request, payload.org)
    data = payload.dict()
    data["audience"] = payload.audience.dict()
    return Status(201, {"id": courses.course_create(org=org, data=data).pk})


LessonKindCode = Literal[tuple(LessonKind.values)]  # type: ignore[valid-type]


class LessonIn(Schema):
    kind: LessonKindCode  # type: ignore[valid-type]
    title: str = Field(..., max_length=120)
    body: str = Field("", max_length=20000)
    media_url: str = Field("", max_length=300, description="a video's or document's address (https://…)")
    seconds: int = Field(0, ge=0, le=36000, description="a video's length")
    activity: Id | None = Field(None, description="an offline session's activity")


@router.post("/courses/{course_id}/lessons", response={201: Created})
@refuses(404)
def lesson_add(request, course_id: Id, payload: LessonIn):
    course = get_scoped(Course.objects, request.user, pk=course_id)
    return Status(201, {"id": courses.lesson_add(course=course, data=payload.dict()).pk})


class DocumentOut(Schema):
    id: int
    pages: int = Field(description="0 until the pages are drawn (a background task)")


@router.post("/lessons/{lesson_id}/document", response=DocumentOut)
@refuses(404)
def lesson_document(request, lesson_id: Id, file: File[UploadedFile]):
    """Staff: a document lesson's PDF (at most 20 MB). Its pages are drawn into images for the
    lesson page, where reading to the end is seen; members can also download it."""
    lesson = Lesson.objects.filter(pk=lesson_id, course__in=scope(Course.objects, request.user)).first()
    if lesson is None:
        raise NotFound()
    documents.attach(lesson, file)
    lesson.refresh_from_db()
    return {"id": lesson.pk, "pages": lesson.pages}


class LessonOut(Schema):
    id: int
    kind: str
    title: str
    seconds: int
    pages: int = Field(description="a document's pages shown on its lesson page")
    done: bool
    position: int = Field(description="where a video resumes, in seconds")
    share: float | None = Field(description="a video's share seen, 0–1")


class CourseOut(Schema):
    id: int
    title: str
    summary: str
    org: str
    exam: int | None
    exam_required: bool
    done: int
    total: int
    exam_passed: bool
    finished: bool
    lessons: list[LessonOut]


def _course_out(member, course: Course) -> dict:
    st = courses.state(member, course)
    return {
        "id": course.pk,
        "title": course.title,
        "summary": course.summary,
        "org": course.org.name,
        "exam": course.exam_id,
        "exam_required": course.exam_required,
        **{k: st[k] for k in ("done", "total", "exam_passed", "finished")},
        "lessons": [
            {
                "id": r["lesson"].pk,
                "kind": r["lesson"].kind,
                "title": r["lesson"].title,
                "seconds": r["lesson"].seconds,
                "pages": r["lesson"].pages,
                "done": r["done"],
                "position": r["progress"].position if r["progress"] else 0,
                "share": r["share"],
            }
            for r in st["lessons"]
        ],
    }


@router.get("/courses", response=list[CourseOut])
@refuses(403)
def course_list(request):
    """The courses the member may take, with their progress."""
    member = require_active_member(request.user)
    return [_course_out(member, c) for c in courses.courses_for(member)]


@router.get("/courses/{course_id}", response=CourseOut)
@refuses(403)
def course_get(request, course_id: Id):
    member = require_active_member(request.user)
    return _course_out(member, courses.course_for(member, course_id))


class BeatIn(Schema):
    position: float = Field(..., ge=0, le=36000, description="seconds into the video")


class ProgressOut(Schema):
    done: bool
    position: int
    share: float | None


def _progress_out(lesson, progress) -> dict:
    share = (
        round(progress.seen.count("1") / courses.stretches(lesson), 2)
        if lesson.kind == LessonKind.VIDEO
        else None
    )
    return {"done": progress.done_at is not None, "position": progress.position, "share": share}


@router.post("/lessons/{lesson_id}/open", response=ProgressOut)
@refuses(403)
def lesson_open(request, lesson_id: Id):
    member = require_active_member(request.user)
    lesson = courses.lesson_for(member, lesson_id)
    return _progress_out(lesson, courses.lesson_open(member, lesson))


@router.post("/lessons/{lesson_id}/heartbeat", response=ProgressOut)
@refuses(403)
def lesson_heartbeat(request, lesson_id: Id, payload: BeatIn):
    """The player's position, about every 10 seconds while it plays. A stretch counts at most
    once per 8 seconds of the server's clock; 90% of the stretches finish the lesson."""
    member = require_active_member(request.user)
    lesson = courses.lesson_for(member, lesson_id)
    return _progress_out(lesson, courses.heartbeat(member, lesson, payload.position))


@router.post("/lessons/{lesson_id}/end", response=ProgressOut)
@refuses(400, 403)
def lesson_end(request, lesson_id: Id):
    """A document or text read to its end (after it was opened)."""
    member = require_active_member(request.user)
    lesson = courses.lesson_for(member, lesson_id)
    return _progress_out(lesson, courses.reached_end(member, lesson))
