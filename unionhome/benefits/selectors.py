"""Reads shared by the benefits pages and API. Every single-record read answers 404 to anyone
who may not see the record, so an outsider cannot tell it exists."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from unionhome.core.errors import DomainError, NotFound
from unionhome.core.models import Org
from unionhome.core.scoping import above, by_rule, get_scoped, has_role_over, own, scope
from unionhome.members.audience import audience_matcher
from unionhome.members.selectors import ensure_active, member_of, person_q, require_active_member

from .models import Claim, ClaimStatus, ClaimType, HardshipCase, ServiceItem, Visit
from .services import can_view_claim


def claim_types_for(user, member=None) -> list[ClaimType]:
    """The types `member` (the caller's own membership by default) may claim: the same rule as
    `claim_type_allowed`, asked of every type with one matcher instead of a query per type."""
    member = member or member_of(user)
    if member is None:
        return []
    matches = audience_matcher(member)
    types = above(ClaimType.objects, member.org).filter(active=True).select_related("org")
    return [t for t in types if matches(t.org, t.audience)]


def claim_type_by_code(user, code: str, *, member=None) -> ClaimType:
    """The type with `code` open to `member` (the caller by default, or the member a volunteer
    acts for); a member who left is refused as every member-only action refuses them."""
    if member is None:
        member = require_active_member(user, _("请先加入工会再申领"))
    else:
        ensure_active(member, _("这位会员已不在工会，不能代办"))
    for ctype in claim_types_for(user, member):
        if ctype.code == code:
            return ctype
    raise DomainError("invalid", _("您不能申领此项福利"), fields={"type": _("不在可申领范围内")})


def my_claims(user) -> QuerySet[Claim]:
    return (
        own(Claim.objects, user, field="member__user")
        .select_related("type", "proxy__actor", "member")
        .prefetch_related("files")
    )


def claims_filed_by(user) -> QuerySet[Claim]:
    """What a volunteer has filed for others."""
    filed = own(Claim.objects, user, field="proxy__actor")
    return filed.select_related("type", "member").order_by("-created_at")


def claim_get(user, pk: int) -> Claim:
    claim = (
        by_rule(Claim.objects, "can_view_claim below: the member, a proxy while consent lasts, staff")
        .select_related("type__fund", "member__user", "org", "proxy__actor")
        .prefetch_related("files")
        .filter(pk=pk)
        .first()
    )
    if claim is None or not can_view_claim(user, claim):
        raise NotFound()
    return claim


def staff_claim(user, pk: int) -> Claim:
    claims = Claim.objects.select_related("type__fund", "member__user", "org", "proxy__actor")
    return get_scoped(claims.prefetch_related("files"), user, pk=pk)


def staff_claims(user, *, status: str = "", type_code: str = "", q: str = "") -> QuerySet[Claim]:
    qs = scope(
        Claim.objects.select_related("type__fund__signer", "member", "org", "proxy__actor").prefetch_related(
            "files"
        ),
        user,
    ).exclude(status=ClaimStatus.DRAFT)
    if status:
        qs = qs.filter(status=status)
    if type_code:
        qs = qs.filter(type__code=type_code)
    if q.strip():
        qs = qs.filter(Q(number__icontains=q.strip()) | person_q(q, "member__"))
    return qs.order_by("due_on", "pk") if status == ClaimStatus.SUBMITTED else qs.order_by("-pk")


def claims_to_sign(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """Of these claims, those waiting for the fund's signer (一支笔): submitted, from a fund,
    above its signing threshold."""
    return claims.filter(
        status=ClaimStatus.SUBMITTED,
        type__fund__isnull=False,
        amount__isnull=False,
        type__fund__sign_threshold__isnull=False,
        amount__gt=F("type__fund__sign_threshold"),
    )


def my_cases(user) -> QuerySet[HardshipCase]:
    return own(HardshipCase.objects, user, field="member__user").order_by("-created_at")


def visit_for(user, pk: int) -> Visit:
    visits = by_rule(Visit.objects, "checked below: the member visited, the visitor, staff")
    visit = visits.select_related("member__user", "org").filter(pk=pk).first()
    if visit is None or not (
        visit.member.user_id == user.pk or visit.visitor_id == user.pk or has_role_over(user, visit.org)
    ):
        raise NotFound()
    return visit


def public_org(user) -> Org | None:
    """The enterprise union whose public displays the caller sees."""
    member = member_of(user)
    if member is not None:
        return member.org.enterprise() or member.org
    from unionhome.core.scoping import home_org

    return home_org(user)


def item_link(item: ServiceItem) -> str:
    if item.claim_type_id:
        return f"/benefits/new/{item.claim_type.code}/"
    return item.url
