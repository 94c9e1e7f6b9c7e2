"""The workers' congress and its proposals (F1).

A representative submits a proposal; it needs `congress.seconders` other representatives to
second it within `congress.second_days`. Once seconded it goes to the proposal committee, which
accepts it (立案) or turns it into a suggestion with a written reason. An accepted proposal goes
to departments as a 会办单 does: each must be on the union's list with a handler, gets its share
(`ProposalStep`) with a deadline in working days, and its handlers answer it; when every share
of the round is answered the union answers the proposer, who rates it: satisfied, basically
satisfied, or not — "not" sends it back once, to the same departments, for a second round."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from unionhome.core.errors import Conflict, DomainError, Forbidden, NotFound, refuse
from unionhome.core.models import Org, Role
from unionhome.core.notifications import Message, notify, notify_many
from unionhome.core.scoping import by_rule, held, holders_over, own, within
from unionhome.core.workdays import workdays_after
from unionhome.members.departments import (
    department_problem,
    departments_over,
    handler_counts,
    handler_departments,
)
from unionhome.members.models import Member, MemberStatus

from .models import Category, Congress, Proposal, ProposalStatus, ProposalStep, Representative, Second

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


_NAMES = re.compile(r"[、,，;；\s]+")


def review(
    *, proposal: Proposal, accept: bool, reason: str = "", departments: str | list = "", days: int = 15
) -> Proposal:
    """The proposal committee: accept (立案: each department on the union's list, with a handler,
    gets its share to answer within `days` working days) or turn it into a suggestion, with the
    reason written."""
    if proposal.status not in (ProposalStatus.SUBMITTED, ProposalStatus.SECONDING):
        raise Conflict("reviewed", _("这件提案已经审查过"))
    reason = (reason or "").strip()[:2000]
    if not accept:
        if not reason:
            raise DomainError("invalid", _("转为建议需要写明理由"), fields={"reason": _("必填")})
        proposal.status, proposal.reason = ProposalStatus.SUGGESTION, reason
        proposal.save(update_fields=["status", "reason"])
        return proposal
    if isinstance(departments, str):
        departments = _NAMES.split(departments)
    names = list(dict.fromkeys(n.strip() for n in departments if n and n.strip()))
    if not names:
        raise DomainError("invalid", _("立案需要承办部门"), fields={"departments": _("立案需要选择承办部门")})
    known = {d.name: d for d in departments_over(proposal.org)}
    staffed = handler_counts(known.values())
    for name in names:
        if problem := department_problem(name, known, staffed):
            raise DomainError("invalid", problem, fields={"departments": problem})
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 90:
        raise DomainError("invalid", _("办理期限应在 1 到 90 个工作日"), fields={"days": _("1 到 90")})
    if proposal.status != ProposalStatus.SUBMITTED:
        raise Conflict("not_seconded", _("附议人数不够，不能立案"))
    with transaction.atomic():
        proposal.status, proposal.departments = ProposalStatus.ACCEPTED, "、".join(names)[:200]
        proposal.reason, proposal.workdays = reason, days
        _send(proposal, names, round_=1)
        proposal.save(update_fields=["status", "departments", "due_on", "reason", "workdays"])
    return proposal


def _send(proposal: Proposal, names: list[str], *, round_: int) -> None:
    """Each department's share for this round, due in the proposal's working days; its handlers
    are told."""
    proposal.due_on = workdays_after(timezone.localdate(), proposal.workdays)
    steps = ProposalStep.objects.bulk_create(
        ProposalStep(
            org=proposal.org, proposal=proposal, round=round_, department=name, due_on=proposal.due_on
        )
        for name in names
    )
    for step in steps:
        notify_many(
            holders_over(proposal.org, [Role.HANDLER], department=step.department),
            Message(_l("提案 %(n)s 请于 %(due)s 前答复"), n=proposal.number, due=step.due_on.isoformat()),
            proposal.title,
            url=reverse("proposal-step", args=[step.pk]),
        )


def current_steps(proposal: Proposal):
    """The departments' shares of the round under way (the second after a send-back)."""
    return by_rule(ProposalStep.objects, "the proposal's own departments").filter(
        proposal=proposal, round=2 if proposal.sent_back else 1
    )


def is_handler_for(user, step: ProposalStep) -> bool:
    return any(
        step.org.path.startswith(path) and dept == step.department for path, dept in handler_departments(user)
    )


def step_answer(step: ProposalStep, *, actor, text: str, now=None) -> ProposalStep:
    """A department answers its share. When every department of the round has, the union's
    staff are told to write the answer to the proposer."""
    if not is_handler_for(actor, step):
        raise NotFound()
    proposal = step.proposal
    text = (text or "").strip()
    if not text or len(text) > 5000:
        raise DomainError("invalid", _("请写承办意见（最多 5000 字）"), fields={"answer": _("必填")})
    with transaction.atomic():
        done = step.round == (2 if proposal.sent_back else 1) and (
            held(step)
            .filter(answered_at__isnull=True, proposal__status=ProposalStatus.ACCEPTED)
            .update(answer=text, answered_by=actor, answered_at=now or timezone.now())
        )
        if not done:  # answered, or a round a send-back has closed, or the proposal is done with
            raise Conflict("answered", _("这件提案已经答复过或已办结"))
        if not current_steps(proposal).filter(answered_at__isnull=True).exists():
            notify_many(
                holders_over(proposal.org, [Role.STAFF, Role.CHAIR]),
                Message(_l("提案 %(n)s 各承办部门已答复，请答复提案人"), n=proposal.number),
                proposal.title,
                url=reverse("staff-congress", args=[proposal.congress_id]),
            )
    step.refresh_from_db()
    return step


def answer(*, proposal: Proposal, text: str, now=None) -> Proposal:
    """The union's answer to the proposer, once every department of the round has answered."""
    if proposal.status != ProposalStatus.ACCEPTED:
        raise Conflict("not_accepted", _("立案后才能答复"))
    text = (text or "").strip()[:5000]
    if not text:
        raise DomainError("invalid", _("请写答复"), fields={"answer": _("必填")})
    waiting = list(
        current_steps(proposal).filter(answered_at__isnull=True).values_list("department", flat=True)
    )
    if waiting:
        raise Conflict("departments_pending", _("还在等承办部门答复：%(d)s") % {"d": "、".join(waiting)})
    proposal.answer, proposal.answered_at, proposal.status = (
        text,
        now or timezone.now(),
        ProposalStatus.ANSWERED,
    )
    proposal.save(update_fields=["answer", "answered_at", "status"])
    notify(
        proposal.author.member.user,
        Message(_l("您的提案 %(n)s 已答复，请评价"), n=proposal.number),
        proposal.title,
        url=reverse("congress", args=[proposal.congress_id]),
    )
    return proposal


def rate(*, proposal: Proposal, user, rating: str) -> Proposal:
    """The proposer rates the answer; "not" sends it back once: the same departments answer again
    in a second round."""
    if proposal.author.member.user_id != getattr(user, "pk", None):
        raise NotFound()
    if proposal.status != ProposalStatus.ANSWERED:
        raise Conflict("not_answered", _("答复后才能评价"))
    if rating not in RATINGS:
        raise DomainError(
            "invalid", _("评价应为满意、基本满意或不满意"), fields={"rating": "satisfied | basic | not"}
        )
    proposal.rating = rating
    with transaction.atomic():
        if rating == "not" and not proposal.sent_back:
            names = list(current_steps(proposal).values_list("department", flat=True))
            proposal.status, proposal.sent_back = ProposalStatus.ACCEPTED, True
            if names:
                _send(proposal, names, round_=2)
        else:
            proposal.status = ProposalStatus.CLOSED
        proposal.save(update_fields=["rating", "status", "sent_back", "due_on"])
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
        .prefetch_related("steps", "seconds")
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
