"""Assistant API: ask, feedback, hand-over to a person; the knowledge base for staff."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Query, Router, Schema, Status

from unionhome.core.api import local_iso
from unionhome.core.bounds import Day, Id
from unionhome.core.fields import InSchema, schema_field
from unionhome.core.openapi import refuses
from unionhome.core.scoping import get_scoped

from . import selectors, services
from .models import Category, Entry

router = Router(tags=["assistant"])

CategoryCode = Literal[tuple(Category.values)]  # type: ignore[valid-type]


class AskIn(Schema):
    question: str = Field(..., min_length=1, max_length=services.QUESTION_MAX)


class RelatedOut(Schema):
    kb_id: str
    question: str


class AskOut(Schema):
    answer: str = Field(description="the answer, or a plain 'I don't know' when handoff is true")
    kb_id: str | None = Field(
        description="the knowledge-base entry answered from, null when it does not know"
    )
    score: float
    handoff: bool = Field(description="true: it does not know and offers a hand-over to a person")
    choice: bool = Field(
        description="true: unsure between two entries, it asks which was meant; `related` holds the two"
    )
    related: list[RelatedOut]
    question_id: int = Field(description="for feedback and hand-over")
    source: str | None = Field(description="the entry's question, shown as the answer's source")
    phrased: bool = Field(description="true when a language model phrased the answer from the entries")


@router.post("/assistant/ask", response=AskOut)
def ask(request, payload: AskIn):
    result = services.ask(user=request.user, text=payload.question)
    return {
        "answer": result.text,
        "kb_id": result.entry.kb_id if result.entry else None,
        "score": round(result.question.score, 3),
        "handoff": result.handoff,
        "choice": result.choice,
        "related": [{"kb_id": e.kb_id, "question": e.question} for e in result.related],
        "question_id": result.question.pk,
        "source": result.entry.question if result.entry else None,
        "phrased": result.phrased,
    }


class FeedbackIn(Schema):
    question_id: int
    helpful: bool


@router.post("/assistant/feedback", response={200: dict})
@refuses(404)
def feedback(request, payload: FeedbackIn):
    q = services.feedback(user=request.user, question_id=payload.question_id, helpful=payload.helpful)
    return {"question_id": q.pk, "helpful": q.helpful, "status": q.status}


class HandoffIn(Schema):
    question_ids: list[Id] = Field(default_factory=list, max_length=50)
    note: str = Field("", max_length=1000, description="anything the member wants to add")


class HandoffOut(Schema):
    appeal_id: int
    number: str
    status: str


@router.post("/assistant/handoff", response={201: HandoffOut})
def handoff(request, payload: HandoffIn):
    """转人工: opens an appeal carrying the conversation; the member follows it under 我的诉求."""
    appeal = services.handoff(user=request.user, question_ids=payload.question_ids, note=payload.note)
    return Status(201, {"appeal_id": appeal.pk, "number": appeal.number, "status": appeal.status})


class UnansweredOut(Schema):
    id: int
    text: str
    asked_at: str
    kb_id: str | None
    score: float
    helpful: bool | None

    @staticmethod
    def resolve_asked_at(q):
        return local_iso(q.created_at)

    @staticmethod
    def resolve_kb_id(q):
        return q.entry.kb_id if q.entry else None


@router.get("/assistant/unanswered", response=list[UnansweredOut])
@refuses(403)
def unanswered(request, limit: int = Query(100, ge=1, le=500)):
    """Staff: what it could not answer or answered unhelpfully — turn these into entries."""
    return list(selectors.unanswered(request.user)[:limit])


# -- knowledge base ----------------------------------------------------------------------------


Keyword = Annotated[str, Field(min_length=1, max_length=Entry.KEYWORD_LENGTH)]
Synonym = Annotated[str, Field(min_length=1, max_length=Entry.SYNONYM_LENGTH)]


class EntryIn(InSchema):
    question: str = schema_field(Entry, "question")
    answer: str = schema_field(Entry, "answer")
    category: CategoryCode = Category.OTHER  # type: ignore[valid-type]
    keywords: list[Keyword] = Field(default_factory=list, max_length=Entry.KEYWORDS_MAX)
    synonyms: list[Synonym] = Field(
        default_factory=list, max_length=Entry.SYNONYMS_MAX, description="similar questions"
    )
    source: str = schema_field(Entry, "source")
    reviewed_on: Day | None = None
    is_guide: bool = False
    org: int | None = Field(None, description="the union owning the entry; empty: shared by all")
    from_question: int | None = Field(None, description="the unanswered question this entry answers")


class EntryOut(Schema):
    kb_id: str
    question: str
    answer: str
    category: str
    keywords: list[str]
    synonyms: list[str]
    source: str
    reviewed_on: dt.date | None
    is_guide: bool
    active: bool
    org: int | None = Field(None, alias="org_id")


@router.get("/kb", response=list[EntryOut])
@refuses(403)
def kb_list(request, q: str = "", category: str = "", limit: int = Query(200, ge=1, le=500)):
    return list(selectors.entry_search(request.user, text=q, category=category)[:limit])


@router.get("/kb/{kb_id}", response=EntryOut)
@refuses(403)
def kb_get(request, kb_id: str):
    return selectors.entry_get(request.user, kb_id)


@router.post("/kb", response={201: EntryOut})
@refuses(404)
def kb_create(request, payload: EntryIn):
    from unionhome.core.scoping import visible_orgs

    selectors.entries_editable(request.user)  # staff only
    org = (
        get_scoped(visible_orgs(request.user), request.user, field="", pk=payload.org)
        if payload.org
        else None
    )
    entry = services.entry_save(actor=request.user, org=org, **payload.dict(exclude={"org"}))
    return Status(201, entry)


@router.put("/kb/{kb_id}", response=EntryOut)
def kb_update(request, kb_id: str, payload: EntryIn):
    entry = selectors.entry_get(request.user, kb_id)
    return services.entry_save(actor=request.user, entry=entry, **payload.dict(exclude={"org"}))


@router.delete("/kb/{kb_id}", response={204: None})
def kb_retire(request, kb_id: str):
    """Retire an entry: it leaves the index at once and stays on record."""
    services.entry_retire(actor=request.user, entry=selectors.entry_get(request.user, kb_id))
    return Status(204, None)
