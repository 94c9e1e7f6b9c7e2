"""The question bank (D2): staff add, correct, retire and import questions."""

from __future__ import annotations

from typing import Literal

from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from unionhome.core.api import Created, staff_org
from unionhome.core.bounds import Id
from unionhome.core.openapi import refuses
from unionhome.core.scoping import get_scoped, require_staff, scope

from .. import imports, services
from ..models import Kind, Question

router = Router(tags=["learning"])

KindCode = Literal[tuple(Kind.values)]  # type: ignore[valid-type]


class QuestionIn(Schema):
    kind: KindCode  # type: ignore[valid-type]
    text: str = Field(..., max_length=1000)
    options: list[str] = Field(default_factory=list, max_length=10)
    answer: list[str | bool] = Field(
        ...,
        max_length=20,
        description="option texts (single, multiple), [true]/[false], or accepted strings (fill)",
    )
    tags: list[str] = Field(default_factory=list, max_length=10)
    difficulty: int = Field(1, ge=1, le=5)
    explanation: str = Field("", max_length=1000)
    org: Id | None = None


@router.post("/questions", response={201: Created})
@refuses(404)
def question_create(request, payload: QuestionIn):
    """Add a question to the bank of the caller's union (staff)."""
    org = staff_org(request, payload.org)
    question = services.question_create(org=org, by=request.user, data=payload.dict())
    return Status(201, {"id": question.pk})


@router.put("/questions/{int:question_id}", response=Created)
@refuses(404)
def question_update(request, question_id: Id, payload: QuestionIn):
    """Correct a question of the caller's unions. Papers already drawn keep pointing at it, so a
    correction also corrects their review."""
    question = get_scoped(Question.objects, request.user, pk=question_id)
    services.question_update(question=question, data=payload.dict())
    return {"id": question.pk}


@router.delete("/questions/{int:question_id}", response={204: None})
@refuses(404)
def question_retire(request, question_id: Id):
    """Take a question out of the bank: no new paper draws it; papers that hold it keep it."""
    question = get_scoped(Question.objects, request.user, pk=question_id)
    services.question_retire(question=question)
    return Status(204, None)


class QuestionOut(Schema):
    id: int
    kind: str
    text: str
    options: list[str]
    answer: list[str | bool]
    tags: list[str]
    difficulty: int

    @staticmethod
    def resolve_tags(q):
        return q.tag_list


@router.get("/questions", response=list[QuestionOut])
@refuses(403)
def question_list(request, tag: str = Query("", max_length=20), limit: int = Query(200, ge=1, le=1000)):
    """The bank of the unions the caller is staff of (a tag narrows it)."""
    require_staff(request.user)
    found = scope(Question.objects, request.user).filter(active=True)
    if tag:
        found = found.filter(tags__contains=f"|{tag}|")
    return list(found.order_by("pk")[:limit])


class QuestionImportError(Schema):
    row: int
    column: str
    reason: str


class QuestionImportOut(Schema):
    created: int
    errors: list[QuestionImportError]


@router.post("/questions/import", response=QuestionImportOut)
@refuses(404)
def question_import(request, file: File[UploadedFile], org: Id | None = None):
    """A question bank from .xlsx, .xls or .csv (columns 题型, 题目, 选项A…选项F, 答案, 标签,
    难度, 解析). Each bad row is reported with its sheet row number and the good rows are kept."""
    target = staff_org(request, org)
    return imports.questions_import(org=target, by=request.user, data=file.read())
