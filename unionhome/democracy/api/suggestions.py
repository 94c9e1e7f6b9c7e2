"""Rationalisation suggestions (F5)."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Router, Schema, Status

from unionhome.core.api import Created
from unionhome.core.bounds import Id
from unionhome.core.openapi import refuses
from unionhome.core.scoping import get_scoped

from .. import suggestions
from ..models import Suggestion

router = Router(tags=["democracy"])


class SuggestionIn(Schema):
    title: str = Field(..., max_length=120)
    body: str = Field(..., max_length=5000)
    anonymous: bool = Field(False, description="other members see no name (staff still do)")


@router.post("/suggestions", response={201: Created})
@refuses(403)
def suggestion_submit(request, payload: SuggestionIn):
    return Status(201, {"id": suggestions.submit(user=request.user, **payload.dict()).pk})


class SuggestionOut(Schema):
    id: int
    title: str
    body: str
    author: str = Field(description="匿名 when the author chose so")
    status: str
    reason: str
    value: float | None
    reward: float | None
    supports: int

    @staticmethod
    def resolve_author(s):
        return suggestions.public_author(s)


@router.get("/suggestions", response=list[SuggestionOut])
def suggestion_list(request):
    """The public list of the member's union and the unions above it."""
    return suggestions.visible(request.user)


@router.post("/suggestions/{suggestion_id}/support", response=SuggestionOut)
@refuses(403, 404, 409)
def suggestion_support(request, suggestion_id: Id):
    """One support per member (409 `already_supported`; not one's own)."""
    return suggestions.support(
        suggestion=suggestions.suggestion_for(request.user, suggestion_id), user=request.user
    )


class AssessIn(Schema):
    status: Literal["assessed", "adopted", "rejected", "implemented"]
    reason: str = Field("", max_length=2000)
    value: float | None = Field(None, ge=0, le=9999999999, description="assessed value, yuan a year")
    reward: float | None = Field(None, ge=0, le=9999999999, description="yuan")


@router.post("/suggestions/{suggestion_id}/assess", response=SuggestionOut)
@refuses(404, 409)
def suggestion_assess(request, suggestion_id: Id, payload: AssessIn):
    """Staff of the author's union (or above) move it on; not adopted needs the reason."""
    found = get_scoped(Suggestion.objects, request.user, pk=suggestion_id)
    return suggestions.assess(suggestion=found, **payload.dict())
