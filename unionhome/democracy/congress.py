"""The workers' congress and its proposals (F1).

A representative submits a proposal; it needs `congress.seconders` other representatives to
second it within `congress.second_days`. Once seconded it goes to the proposal committee, which
accepts it (立案: assigned to departments with a deadline in working days) or turns it into a
suggestion with a written reason. The answer is rated by the proposer: satisfied, basically
satisfied, or not — "not" sends it back once for a second answer."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core.errors import Conflict, DomainError, Forbidden, NotFound, refuse
from unionhome.core.models import Org
from unionhome.core.scoping import by_rule, held, own, within
from unionhome.core.workdays import workdays_after
from unionhome.members.models import Member, MemberStatus

from .models import Category, Congress, Proposal, ProposalStatus, Representative, Second

RATINGS = ("satisfied", "basic", "not")


def congress_create(*, org: Org, data: dict) -> Congress:
    errors = {}
    title = str(data.get("title") or "").strip()
    if not title or len(title) > 120:
        errors["title"] = _("请填写名称（最多 120 字）")
    for key in ("term", "session"):
        v = data.get(key)
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 100:
            errors[key] = _("1 到 100")
    if not data.get("opens_on"):
        errors["opens_on"] = _("必填")
    refuse(errors)
    try:
        with transaction.atomic():
            return Congress.objects.create(
                org=org, title=title, term=data["term"], session=data["session"], opens_on=data["opens_on"]
            )
    except IntegrityError:
        raise Conflict("exists", _("这一届这一次职代会已经建立")) from None


def representative_add(
    *, congress: Congress, member: Member, delegation: str, category: str
) -> Representative:
    if member.status != MemberStatus.ACTIVE or not member.org.path.startswith(congress.org.path):
        raise DomainError("invalid", _("代表应是本工会的在册会员"), fields={"member": _("不是本工会的会员")})
    if category not in Category.values:
        raise DomainError("invalid", _("类别不对"), fields={"category": _("没有这个类别")})
    delegation = (delegation or "").strip()[:60]
    if not delegation:
        raise DomainError("invalid", _("请填写代表团"), fields={"delegation": _("必填")})
    found, _created = by_rule(Representative.objects, "the congress's own roll").get_or_create(
        congress=congress,
        member=member,
        defaults={"org": congress.org, "delegation": delegation, "category": category},
    )
    return found


def composition(congress: Congress) -> dict:
    """The representatives against the rules: frontline ≥ its minimum, managers ≤ its maximum,
    women in proportion to the workforce (within 5 points)."""
    reps = list(
        by_rule(Representative.objects, "the congress's own roll")
        .filter(congress=congress)
        .select_related("member")
    )
    total = len(reps)
    workforce = within(Member.objects, congress.org).filter(status=MemberStatus.ACTIVE)
    staff_n = workforce.count()
    women_workforce = workforce.filter(gender="F").count() / staff_n if staff_n else 0.0

    def share(n: int) -> float:
        return round(n / total, 4) if total else 0.0

    frontline = share(sum(r.category == Category.FRONTLINE for r in reps))
    managers = share(sum(r.category == Category.MANAGER for r in reps))
    women = share(sum(r.member.gender == "F" for r in reps))
    return {
        "total": total,
        "frontline": frontline,
        "frontline_ok": total > 0 and frontline >= float(congress.frontline_min),
        "managers": managers,
        "managers_ok": managers <= float(congress.managers_max),
        "women": women,
        "women_workforce": round(women_workforce, 4),
        "women_ok": total > 0 and women >= women_workforce - 0.05,
    }


def representative_of(congress: Congress, user) -> Representative:
    rep = (
        by_rule(Representative.objects, "the caller's own seat")
        .filter(congress=congress, member__user_id=getattr(user, "pk", None))
        .first()
    )
    if rep is None:
        raise Forbidden("not_representative", _("您不是这次职代会的代表"))
    return rep


def proposal_submit(*, congress: Congress, user, title: str, body: str, now=None) -> Proposal:
    rep = representative_of(congress, user)
    now = now or timezone.now()
    errors = {}
    title, body = (title or "").strip(), (body or "").strip()
    if not title or len(title) > 120:
        errors["title"] = _("请填写案由（最多 120 字）")
    if not body or len(body) > 5000:
        errors["body"] = _("请写理由和办法（最多 5000 字）")
    refuse(errors)
    for _try in range(5):
        number = (
            by_rule(Proposal.objects, "the congress's own proposals")
            .filter(congress=congress)
            .aggregate(n=Max("number"))["n"]
            or 0
        ) + 1
        try:
            with transaction.atomic():
                return Proposal.objects.create(
                    org=congress.org, congress=congress, number=number, author=rep, title=title, body=body,
                    second_until=now + timedelta(days=congress.second_days),
                )  # fmt: skip
        except IntegrityError:
            continue
    raise Conflict("busy", _("请稍后再试"))


def second(*, proposal: Proposal, user, now=None) -> Proposal:
    """Another representative seconds the proposal, within the window, once."""
    now = now or timezone.now()
    rep = representative_of(proposal.congress, user)
    if rep.pk == proposal.author_id:
        raise Conflict("own_proposal", _("不能附议自己的提案"))
    if now >= proposal.second_until or proposal.status != ProposalStatus.SECONDING:
        raise Conflict("closed", _("附议已经截止"))
    by_rule(Second.objects, "the proposal's own seconders").get_or_create(
        proposal=proposal, representative=rep, defaults={"org": proposal.org}
    )
    seconds = by_rule(Second.objects, "the proposal's own seconders").filter(proposal=proposal).count()
    if seconds >= proposal.congress.seconders:
        held(proposal).filter(status=ProposalStatus.SECONDING).update(status=ProposalStatus.SUBMITTED)
        proposal.status = ProposalStatus.SUBMITTED
    return proposal


def review(
    *, proposal: Proposal, accept: bool, reason: str = "", departments: str = "", days: int = 15
) -> Proposal:
    """The proposal committee: accept (立案, with departments and a deadline in working days) or
    turn it into a suggestion, with the reason written."""
    if proposal.status not in (ProposalStatus.SUBMITTED, ProposalStatus.SECONDING):
        raise Conflict("reviewed", _("这件提案已经审查过"))
    reason = (reason or "").strip()[:2000]
    if accept:
        departments = (departments or "").strip()[:200]
        if not departments:
            raise DomainError("invalid", _("立案需要承办部门"), fields={"departments": _("必填")})
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 90:
            raise DomainError("invalid", _("办理期限应在 1 到 90 个工作日"), fields={"days": _("1 到 90")})
        if proposal.status != ProposalStatus.SUBMITTED:
            raise Conflict("not_seconded", _("附议人数不够，不能立案"))
        proposal.status, proposal.departments = ProposalStatus.ACCEPTED, departments
        proposal.due_on = workdays_after(timezone.localdate(), days)
    else:
        if not reason:
            raise DomainError("invalid", _("转为建议需要写明理由"), fields={"reason": _("必填")})
        proposal.status = ProposalStatus.SUGGESTION
    proposal.reason = reason
    proposal.save(update_fields=["status", "departments", "due_on", "reason"])
    return proposal


def answer(*, proposal: Proposal, text: str, now=None) -> Proposal:
    if proposal.status != ProposalStatus.ACCEPTED:
        raise Conflict("not_accepted", _("立案后才能答复"))
    text = (text or "").strip()[:5000]
    if not text:
        raise DomainError("invalid", _("请写答复"), fields={"answer": _("必填")})
    proposal.answer, proposal.answered_at, proposal.status = (
        text,
        now or timezone.now(),
        ProposalStatus.ANSWERED,
    )
    proposal.save(update_fields=["answer", "answered_at", "status"])
    return proposal


def rate(*, proposal: Proposal, user, rating: str) -> Proposal:
    """The proposer rates the answer; "not" sends it back once for a second answer."""
    if proposal.author.member.user_id != getattr(user, "pk", None):
        raise NotFound()
    if proposal.status != ProposalStatus.ANSWERED:
        raise Conflict("not_answered", _("答复后才能评价"))
    if rating not in RATINGS:
        raise DomainError(
            "invalid", _("评价应为满意、基本满意或不满意"), fields={"rating": "satisfied | basic | not"}
        )
    proposal.rating = rating
    if rating == "not" and not proposal.sent_back:
        proposal.status, proposal.sent_back = ProposalStatus.ACCEPTED, True
    else:
        proposal.status = ProposalStatus.CLOSED
    proposal.save(update_fields=["rating", "status", "sent_back"])
    return proposal


def overdue(org: Org, today=None) -> list[Proposal]:
    """Accepted proposals past their answer date: the chair's list."""
    today = today or timezone.localdate()
    return list(
        within(Proposal.objects, org)
        .filter(status=ProposalStatus.ACCEPTED, due_on__lt=today)
        .order_by("due_on")
    )


def proposals_for(user, congress: Congress) -> list[Proposal]:
    """The public list, for members of the congress's union subtree."""
    return list(
        by_rule(Proposal.objects, "the congress's public proposals")
        .filter(congress=congress)
        .select_related("author__member")
        .order_by("number")
    )


def congress_for(user, pk: int) -> Congress:
    from unionhome.core.scoping import scope
    from unionhome.members.selectors import member_of

    found = by_rule(Congress.objects, "a congress asked for by id, checked just below").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    member = member_of(user)
    if scope(Congress.objects, user).filter(pk=pk).exists() or (
        member is not None and member.org.path.startswith(found.org.path)
    ):
        return found
    raise NotFound()


def my_seat(user, congress: Congress):
    return own(Representative.objects, user, field="member__user").filter(congress=congress).first()
