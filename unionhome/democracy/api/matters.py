"""The register of matters (F2)."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from unionhome.core.api import Created, local_iso, staff_org
from unionhome.core.bounds import Day, Id
from unionhome.core.openapi import refuses
from unionhome.core.scoping import get_scoped

from .. import matters
from ..models import Matter

router = Router(tags=["democracy"])


class MatterIn(Schema):
    kind: Literal["deliberation", "negotiation", "disclosure"]
    title: str = Field(..., max_length=160)
    summary: str = Field("", max_length=5000)
    congress: Id | None = None
    answer_due: Day | None = Field(None, description="the date the answer to the members is owed")
    org: Id | None = None


@router.post("/matters", response={201: Created})
@refuses(404)
def matter_create(request, payload: MatterIn):
    org = staff_org(request, payload.org)
    return Status(201, {"id": matters.matter_create(org=org, data=payload.dict()).pk})


class StepOut(Schema):
    step: str
    label: str
    vote: bool
    done: bool
    done_at: str | None
    note: str


class MatterOut(Schema):
    id: int
    kind: str
    title: str
    summary: str
    next_step: str | None
    finished: bool
    poll: int | None
    answer_due: str | None
    answered: bool
    steps: list[StepOut]


def _matter_out(matter) -> dict:
    nxt = matters.next_step(matter)
    return {
        "id": matter.pk, "kind": matter.kind, "title": matter.title, "summary": matter.summary,
        "next_step": nxt.code if nxt else None, "finished": matter.finished_at is not None, "poll": matter.poll_id,
        "answer_due": matter.answer_due.isoformat() if matter.answer_due else None, "answered": matter.answered_at is not None,
        "steps": [
            {"step": s.code, "label": str(s.label), "vote": s.vote, "done": done is not None,
             "done_at": local_iso(done.done_at) if done else None, "note": done.note if done else ""}
            for s, done in matters.archive(matter)
        ],
    }  # fmt: skip


@router.get("/matters", response=list[MatterOut])
@refuses(403, 404)
def matter_search(request, q: str = Query("", max_length=50), org: Id | None = None):
    """The register of the caller's union: every matter with its steps, searchable by words of
    its title, summary and minutes."""
    from unionhome.core.scoping import require_staff

    require_staff(request.user)
    target = staff_org(request, org)
    return [_matter_out(m) for m in matters.search(target, q)]


class MatterStepIn(Schema):
    step: str = Field(..., max_length=20, description="the code of the next step of the matter's procedure")
    note: str = Field(..., max_length=10000, description="the step's minutes or explanation")
    poll: Id | None = Field(None, description="a vote step: the closed poll that adopted it")


@router.post("/matters/{matter_id}/steps", response=MatterOut)
@refuses(409)
def matter_step(request, matter_id: Id, payload: MatterStepIn):
    """Record the next step; 409 `out_of_order` for any other, 400 `no_vote` / `not_adopted` for
    a vote step without an adopted poll."""
    found = get_scoped(Matter.objects, request.user, pk=matter_id)
    return _matter_out(matters.step_done(matter=found, by=request.user, **payload.dict()))
