"""Platform workers' topics (F6, seed 002 §4.3): riders and drivers raise issues under the six
negotiation topics (派单规则, 抽成比例, 超时判定, 申诉复核, 休息安排, 奖惩口径), others support
them (once each), and the union's staff — with the representatives — group the issues of one
topic into an item of the negotiation list, which can then go on the register as a matter to
negotiate (F2) and, once signed, be written into the contract as a clause (F4)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from unionhome.core.errors import Conflict, DomainError, NotFound, refuse
from unionhome.core.models import Org
from unionhome.core.scoping import within
from unionhome.members.selectors import require_active_member

from . import matters
from .models import MatterKind, NegotiationItem, Topic, TopicKind, TopicSupport
from .selectors import enterprise_and_above
from .supports import add_support


def raise_topic(*, user, kind: str, title: str, body: str) -> Topic:
    member = require_active_member(user)
    errors = {}
    if kind not in TopicKind.values:
        errors["kind"] = _("请选择议题类别")
    title, body = (title or "").strip(), (body or "").strip()
    if not title or len(title) > 120:
        errors["title"] = _("请写议题（最多 120 字）")
    if not body or len(body) > 3000:
        errors["body"] = _("请写具体情况（最多 3000 字）")
    refuse(errors)
    return Topic.objects.create(org=member.org, author=member, kind=kind, title=title, body=body)


def visible(user) -> list[Topic]:
    """The topics of the member's enterprise (branches included) and the unions above it."""
    found = enterprise_and_above(Topic.objects.select_related("item"), user)
    return sorted(found, key=lambda t: (-t.supports, -t.pk))


def topic_for(user, pk: int) -> Topic:
    found = next((t for t in visible(user) if t.pk == pk), None)
    if found is None:
        raise NotFound()
    return found


def support(*, topic: Topic, user) -> Topic:
    return add_support(
        item=topic, user=user, model=TopicSupport, field="topic", own_message=_("不能支持自己提的议题")
    )


def group(*, org: Org, topic_ids: list[int], title: str, summary: str = "") -> NegotiationItem:
    """Gather issues of one topic into an item of the negotiation list."""
    found = list(within(Topic.objects, org).filter(pk__in=topic_ids))
    if not found or len(found) != len(set(topic_ids)):
        raise DomainError("invalid", _("请选择本工会的议题"), fields={"topics": _("有的议题不存在")})
    kinds = {t.kind for t in found}
    if len(kinds) != 1:
        raise DomainError("invalid", _("一个协商事项只归并同一类别的议题"), fields={"topics": _("类别不同")})
    title = (title or "").strip()
    if not title or len(title) > 160:
        raise DomainError("invalid", _("请写协商事项（最多 160 字）"), fields={"title": _("必填")})
    with transaction.atomic():
        item = NegotiationItem.objects.create(
            org=org, kind=kinds.pop(), title=title, summary=(summary or "").strip()[:5000]
        )
        within(Topic.objects, org).filter(pk__in=[t.pk for t in found]).update(item=item)
    return item


def to_matter(*, item: NegotiationItem) -> NegotiationItem:
    """Put the item on the register as a matter to negotiate (协商签订)."""
    if item.matter_id is not None:
        raise Conflict("already_registered", _("这个协商事项已经登记"))
    topics = within(Topic.objects, item.org).filter(item=item)
    summary = item.summary + "\n" + "\n".join(f"· {t.title}（{t.supports} 人支持）" for t in topics)
    matter = matters.matter_create(
        org=item.org, data={"kind": MatterKind.NEGOTIATION, "title": item.title, "summary": summary.strip()}
    )
    item.matter = matter
    item.save(update_fields=["matter"])
    return item


def to_clause(
    *, item: NegotiationItem, contract, clause: dict, items: list[dict] | None = None
) -> NegotiationItem:
    """Write what the negotiation reached into the union's collective contract as a clause the
    quarterly check reads (F4), once its matter's signing is recorded; once."""
    from . import contracts

    if item.clause_id is not None:
        raise Conflict("already_written", _("这个协商事项已经写入合同"))
    if item.matter is None or not matters.signed(item.matter):
        raise Conflict("not_signed", _("协商事项签订后才能写入合同"))
    if not (contract.org.path.startswith(item.org.path) or item.org.path.startswith(contract.org.path)):
        raise NotFound()
    with transaction.atomic():
        item.clause = contracts.clause_add(contract=contract, clause=clause, items=items)
        item.save(update_fields=["clause"])
    return item
