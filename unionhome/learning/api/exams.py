"""Exams (D2): drawn per member, marked on the server's clock, reviewed after the close."""

from __future__ import annotations

from typing import Any

from ninja import Field, Router, Schema, Status

from unionhome.core.api import Created, local_iso, staff_org
from unionhome.core.bounds import Id, Moment
from unionhome.core.errors import NotFound
from unionhome.core.openapi import refuses
from unionhome.core.scoping import above, own
from unionhome.members.selectors import require_active_member

from .. import services
from ..models import Attempt, Exam
from .questions import KindCode

router = Router(tags=["learning"])

Answer = list[Any]


class RuleIn(Schema):
    tags: list[str] = Field(default_factory=list, max_length=10)
    kind: KindCode  # type: ignore[valid-type]
    count: int = Field(..., ge=1, le=200)
    max_difficulty: int | None = Field(None, ge=1, le=5)


class ExamIn(Schema):
    title: str = Field(..., max_length=120)
    rules: list[RuleIn] = Field(..., min_length=1, max_length=20)
    minutes: int = Field(..., ge=1, le=600)
    attempts: int = Field(1, ge=1, le=20)
    pass_mark: int = Field(60, ge=1, le=100, description="percent of the maximum score")
    partial_credit: bool = False
    opens_at: Moment | None = None
    closes_at: Moment | None = None
    certificate_title: str = Field("", max_length=120)
    org: Id | None = None


@router.post("/exams", response={201: Created})
@refuses(404)
def exam_create(request, payload: ExamIn):
    """An exam whose paper is drawn per member by its rules, checked against the bank now."""
    org = staff_org(request, payload.org)
    data = payload.dict()
    data["rules"] = [r.dict(exclude_none=True) for r in payload.rules]
    exam = services.exam_create(org=org, data=data)
    return Status(201, {"id": exam.pk})


class ExamOut(Schema):
    id: int
    title: str
    minutes: int
    attempts: int
    pass_mark: int
    questions: int = Field(description="questions on each paper")
    open: bool
    used: int = Field(description="attempts the caller has used")

    @staticmethod
    def resolve_questions(e):
        return sum(r["count"] for r in e.rules)

    @staticmethod
    def resolve_open(e):
        return services.is_open(e)


@router.get("/exams", response=list[ExamOut])
@refuses(403)
def exam_list(request):
    """The exams the member may sit: their union's and those of the unions above it."""
    member = require_active_member(request.user)
    exams = list(above(Exam.objects, member.org).order_by("-pk")[:200])
    used: dict[int, int] = {}
    for exam_id in own(Attempt.objects, member).values_list("exam_id", flat=True):
        used[exam_id] = used.get(exam_id, 0) + 1
    for exam in exams:
        exam.used = used.get(exam.pk, 0)
    return exams


def _exam_for(member, exam_id: int) -> Exam:
    exam = above(Exam.objects, member.org).filter(pk=exam_id).first()
    if exam is None:
        raise NotFound()
    return exam


class PaperQuestion(Schema):
    id: int
    kind: str
    text: str
    options: list[str]


class AttemptOut(Schema):
    id: int
    deadline: str
    questions: list[PaperQuestion]


def _attempt_out(attempt: Attempt) -> dict:
    return {
        "id": attempt.pk,
        "deadline": local_iso(attempt.deadline),
        "questions": [
            {"id": q.pk, "kind": q.kind, "text": q.text, "options": q.options}
            for q in services.paper(attempt)
        ],
    }


@router.post("/exams/{exam_id}/attempts", response={201: AttemptOut})
@refuses(403, 409)
def attempt_start(request, exam_id: Id):
    """Start (or resume the open) attempt: the paper drawn for this member, never the answers.
    409 `not_open` outside the exam's window, `no_attempts_left` after the last."""
    member = require_active_member(request.user)
    attempt = services.attempt_start(exam=_exam_for(member, exam_id), member=member)
    return Status(201, _attempt_out(attempt))


class SubmitIn(Schema):
    answers: dict[str, Answer] = Field(
        ..., max_length=200, description='{"<question id>": [...]} in the forms of a question\'s answer'
    )


class CertificateRef(Schema):
    code: str


class IgnoredOut(Schema):
    question: str
    reason: str


class SubmitOut(Schema):
    score: float
    max_score: float
    passed: bool
    certificate: CertificateRef | None
    ignored: list[IgnoredOut] = Field(description="answers not counted, each with its reason")


@router.post("/attempts/{attempt_id}/submit", response=SubmitOut)
@refuses(403, 404, 409)
def attempt_submit(request, attempt_id: Id, payload: SubmitIn):
    """Hand in: marked at once on the server's clock. 409 `deadline_passed` after the deadline,
    `already_submitted` the second time. Another member's attempt: 404."""
    member = require_active_member(request.user)
    attempt = services.attempt_of(member, attempt_id)
    done = services.attempt_submit(attempt=attempt, answers=payload.answers)
    cert = done["certificate"]
    return {
        "score": float(attempt.score),
        "max_score": float(attempt.max_score),
        "passed": attempt.passed,
        "certificate": {"code": cert.code} if cert else None,
        "ignored": done["ignored"],
    }


class ReviewItem(Schema):
    id: int
    kind: str
    text: str
    options: list[str]
    given: Answer | None
    answer: Answer
    points: float
    explanation: str


class ReviewOut(Schema):
    score: float
    max_score: float
    passed: bool
    items: list[ReviewItem]


@router.get("/attempts/{attempt_id}/review", response=ReviewOut)
@refuses(403, 404, 409)
def attempt_review(request, attempt_id: Id):
    """After the attempt closes: each question with the answer given and the right one. 409
    `still_open` before."""
    member = require_active_member(request.user)
    attempt = services.attempt_of(member, attempt_id)
    items = services.review(attempt)
    return {
        "score": float(attempt.score),
        "max_score": float(attempt.max_score),
        "passed": bool(attempt.passed),
        "items": [
            {
                "id": i["question"].pk,
                "kind": i["question"].kind,
                "text": i["question"].text,
                "options": i["question"].options,
                "given": i["given"],
                "answer": i["answer"],
                "points": float(i["points"]),
                "explanation": i["question"].explanation,
            }
            for i in items
        ],
    }
