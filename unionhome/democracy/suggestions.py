"""Rationalisation suggestions (合理化建议, F5): anyone submits (anonymous to other members if
they choose), the public list shows each with its status and supports (one per member), and the
union assesses it: received → assessed → adopted or not (with the reason) → implemented, with
the assessed yearly value and the reward."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from unionhome.core.errors import Conflict, DomainError, NotFound, refuse
from unionhome.core.scoping import own
from unionhome.members.selectors import require_active_member

from .models import Suggestion, SuggestionStatus, Support
from .selectors import enterprise_and_above
from .supports import add_support

NEXT = {
    SuggestionStatus.RECEIVED: {SuggestionStatus.ASSESSED, SuggestionStatus.REJECTED},
    SuggestionStatus.ASSESSED: {SuggestionStatus.ADOPTED, SuggestionStatus.REJECTED},
    SuggestionStatus.ADOPTED: {SuggestionStatus.IMPLEMENTED},
}
MONEY_MAX = Decimal("9999999999.99")


def submit(*, user, title: str, body: str, anonymous: bool = False) -> Suggestion:
    member = require_active_member(user)
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title or len(title) > 120:
        errors["title"] = _("请写建议的题目（最多 120 字）")
    if not body or len(body) > 5000:
        errors["body"] = _("请写建议的内容（最多 5000 字）")
    refuse(errors)
    return Suggestion.objects.create(
        org=member.org, author=member, title=title, body=body, anonymous=bool(anonymous)
    )


def visible(user) -> list[Suggestion]:
    """The public list: the member's enterprise (its branches included) and the unions above it."""
    found = enterprise_and_above(
        Suggestion.objects.select_related("author").order_by("-created_at"), user, 200
    )
    return sorted(found, key=lambda s: (s.created_at, s.pk), reverse=True)


def suggestion_for(user, pk: int) -> Suggestion:
    found = next((s for s in visible(user) if s.pk == pk), None)
    if found is None:
        raise NotFound()
    return found


def support(*, suggestion: Suggestion, user) -> Suggestion:
    """One support per member, not for one's own."""
    return add_support(
        item=suggestion, user=user, model=Support, field="suggestion", own_message=_("不能支持自己的建议")
    )


def _money(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        amount = Decimal(-1)
    if not amount.is_finite() or not 0 <= amount <= MONEY_MAX:
        raise DomainError("invalid", _("金额应在 0 到 99 亿元之间"), fields={field: _("0 到 99 亿元")})
    return amount.quantize(Decimal("0.01"))


def assess(*, suggestion: Suggestion, status: str, reason: str = "", value=None, reward=None) -> Suggestion:
    """Move the suggestion on; "not adopted" needs its reason."""
    if status not in NEXT.get(suggestion.status, set()):
        raise Conflict("bad_step", _("现在的状态不能改成这个"))
    reason = (reason or "").strip()[:2000]
    if status == SuggestionStatus.REJECTED and not reason:
        raise DomainError("invalid", _("不采纳需要写明理由"), fields={"reason": _("必填")})
    suggestion.status = status
    suggestion.reason = reason or suggestion.reason
    suggestion.value = _money(value, "value") if value not in (None, "") else suggestion.value
    suggestion.reward = _money(reward, "reward") if reward not in (None, "") else suggestion.reward
    suggestion.save(update_fields=["status", "reason", "value", "reward"])
    return suggestion


def public_author(suggestion: Suggestion) -> str:
    return _("匿名") if suggestion.anonymous else suggestion.author.name


def supported_by(user) -> set[int]:
    from unionhome.members.selectors import member_of

    member = member_of(user)
    return set(own(Support.objects, member).values_list("suggestion_id", flat=True)) if member else set()
