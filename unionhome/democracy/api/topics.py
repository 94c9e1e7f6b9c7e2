"""Platform workers' topics (F6)."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Router, Schema, Status

from unionhome.core.api import Created, staff_org
from unionhome.core.bounds import Id
from unionhome.core.openapi import refuses
from unionhome.core.scoping import get_scoped

from .. import topics
from ..models import Contract, NegotiationItem
from .contracts import ClauseIn, ItemIn

router = Router(tags=["democracy"])


TopicKindCode = Literal["dispatch", "commission", "overtime", "appeal", "rest", "penalty"]


class TopicIn(Schema):
    kind: TopicKindCode = Field(
        ...,
        description="派单规则 dispatch, 抽成比例 commission, 超时判定 overtime, 申诉复核 appeal, 休息安排 rest, 奖惩口径 penalty",
    )
    title: str = Field(..., max_length=120)
    body: str = Field(..., max_length=3000)


@router.post("/topics", response={201: Created})
@refuses(403)
def topic_raise(request, payload: TopicIn):
    return Status(201, {"id": topics.raise_topic(user=request.user, **payload.dict()).pk})


class TopicOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    supports: int
    item: int | None = Field(description="the negotiation item it was grouped into")

    @staticmethod
    def resolve_item(t):
        return t.item_id


@router.get("/topics", response=list[TopicOut])
def topic_list(request):
    """The issues raised in the member's enterprise, most supported first."""
    return topics.visible(request.user)


@router.post("/topics/{topic_id}/support", response=TopicOut)
@refuses(403, 409)
def topic_support(request, topic_id: Id):
    return topics.support(topic=topics.topic_for(request.user, topic_id), user=request.user)


class ItemGroupIn(Schema):
    topics: list[Id] = Field(..., min_length=1, max_length=100)
    title: str = Field(..., max_length=160)
    summary: str = Field("", max_length=5000)
    on_register: bool = Field(False, description="also put it on the register as a matter to negotiate")
    org: Id | None = None


class NegotiationItemOut(Schema):
    id: int
    kind: str
    title: str
    matter: int | None

    @staticmethod
    def resolve_matter(i):
        return i.matter_id


@router.post("/negotiation-items", response={201: NegotiationItemOut})
@refuses(404)
def negotiation_item(request, payload: ItemGroupIn):
    """Staff group issues of one topic into an item of the negotiation list (and, if asked, a
    matter on the register)."""
    org = staff_org(request, payload.org)
    item = topics.group(org=org, topic_ids=payload.topics, title=payload.title, summary=payload.summary)
    if payload.on_register:
        topics.to_matter(item=item)
    return Status(201, item)


class ItemClauseIn(Schema):
    contract: Id
    clause: ClauseIn
    items: list[ItemIn] = Field(
        default_factory=list, max_length=10, description="new data items the clause reads"
    )


class ItemClauseOut(Schema):
    id: int
    contract: int
    number: int
    text: str

    @staticmethod
    def resolve_contract(c):
        return c.contract_id


@router.post("/negotiation-items/{item_id}/clause", response={201: ItemClauseOut})
@refuses(409)
def negotiation_item_clause(request, item_id: Id, payload: ItemClauseIn):
    """Staff: once the item's matter is signed, write what it reached into a collective contract
    as a clause the quarterly check reads (once). 409 `not_signed`, `already_written`."""
    item = get_scoped(NegotiationItem.objects, request.user, pk=item_id)
    contract = get_scoped(Contract.objects, request.user, pk=payload.contract)
    topics.to_clause(
        item=item, contract=contract, clause=payload.clause.dict(), items=[i.dict() for i in payload.items]
    )
    return Status(201, item.clause)
