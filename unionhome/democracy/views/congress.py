"""The member's 民主管理 home and congress page; the staff's congresses, proposals and polls; a department handler's 提案承办."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from unionhome.core.access import staff_required
from unionhome.core.errors import DomainError, NotFound
from unionhome.core.forms import add_domain_error, int_param
from unionhome.core.scoping import by_rule, own, scope, staff_org, within
from unionhome.members.departments import departments_over
from unionhome.members.models import Member
from unionhome.members.selectors import member_of

from .. import congress as congresses
from .. import polls
from ..forms import (
    AnswerForm,
    CongressForm,
    ContractForm,
    PollForm,
    ProposalForm,
    RepresentativeForm,
    ReviewForm,
)
from ..models import Congress, Poll, Proposal, ProposalStatus, Voter
from .polls import visible_polls


@login_required
def home(request):
    member = member_of(request.user)
    from unionhome.core.scoping import above

    congresses_here = (
        list(above(Congress.objects, member.org).order_by("-term", "-session")[:10]) if member else []
    )
    now = timezone.now()
    rows = []
    for poll in visible_polls(request.user, member):
        polls.freeze(poll, now)
        voter = own(Voter.objects, request.user, field="user").filter(poll=poll).first()
        rows.append((poll, voter, poll.opens_at <= now < poll.closes_at, now >= poll.closes_at))
    from .. import matters as register
    from ..models import Contract, Matter

    matters_here = list(above(Matter.objects, member.org).order_by("-created_at")[:30]) if member else []
    contracts_here = list(above(Contract.objects, member.org).order_by("-starts_on")[:10]) if member else []
    return render(
        request,
        "democracy/home.html",
        {
            "congresses": congresses_here,
            "polls": rows,
            "matters": [(m, register.next_step(m)) for m in matters_here],
            "contracts": contracts_here,
        },
    )


def _congress_or_404(request, pk: int) -> Congress:
    try:
        return congresses.congress_for(request.user, pk)
    except NotFound:
        raise Http404 from None


@login_required
def congress(request, pk: int):
    """The public list of proposals; a representative submits, seconds and rates here."""
    found = _congress_or_404(request, pk)
    seat = congresses.my_seat(request.user, found)
    form = ProposalForm(request.POST if request.POST.get("action") == "submit" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "submit" and form.is_valid():
                congresses.proposal_submit(congress=found, user=request.user, **form.cleaned_data)
                messages.success(request, _("提案已提交，请邀请其他代表附议"))
                return redirect("congress", found.pk)
            proposal = get_object_or_404(
                by_rule(Proposal.objects, "a proposal of the congress in hand"),
                congress=found,
                pk=int_param(request.POST.get("proposal")),
            )
            if action == "second":
                congresses.second(proposal=proposal, user=request.user)
                messages.success(request, _("已附议"))
            elif action == "rate":
                congresses.rate(proposal=proposal, user=request.user, rating=request.POST.get("rating", ""))
                messages.success(request, _("已评价"))
            return redirect("congress", found.pk)
        except DomainError as exc:
            if action == "submit":
                add_domain_error(form, exc)
            else:
                messages.error(request, exc.message)
                return redirect("congress", found.pk)
    proposals = congresses.proposals_for(request.user, found)
    seconded = set()
    if seat is not None:
        from ..models import Second

        seconded = set(
            by_rule(Second.objects, "the caller's own seconds")
            .filter(representative=seat)
            .values_list("proposal_id", flat=True)
        )
    return render(
        request,
        "democracy/congress.html",
        {"congress": found, "seat": seat, "form": form, "proposals": proposals, "seconded": seconded,
         "composition": congresses.composition(found), "now": timezone.now()},
    )  # fmt: skip


@staff_required
def staff_home(request):
    org = staff_org(request.user, int_param(request.GET.get("org")))
    from unionhome.members.selectors import sites_under

    action = request.POST.get("action")
    congress_form = CongressForm(request.POST if action == "congress" else None)
    poll_form = PollForm(request.POST if action == "poll" else None, sites=sites_under(org))
    contract_form = ContractForm(request.POST if action == "contract" else None)
    if request.method == "POST":
        try:
            if action == "contract" and contract_form.is_valid():
                from .. import contracts

                d = contract_form.cleaned_data
                made = contracts.standard_contract(
                    org=org, data={"title": d["title"], "starts_on": d["starts_on"], "ends_on": d["ends_on"]},
                    chosen=contract_form.chosen(), overtime_source=d.get("overtime_source") or "",
                )  # fmt: skip
                messages.success(request, _("集体合同已录入"))
                return redirect("staff-contract", made.pk)
            if action == "congress" and congress_form.is_valid():
                made = congresses.congress_create(org=org, data=congress_form.cleaned_data)
                messages.success(request, _("职代会已建立"))
                return redirect("staff-congress", made.pk)
            if action == "poll" and poll_form.is_valid():
                made = polls.poll_create(org=org, data=poll_form.data_for_service())
                messages.success(request, _("表决已安排"))
                return redirect("staff-poll", made.pk)
        except DomainError as exc:
            add_domain_error(
                {"congress": congress_form, "contract": contract_form}.get(action, poll_form), exc
            )
    return render(
        request,
        "democracy/staff/home.html",
        {"org": org, "congresses": within(Congress.objects, org).order_by("-term", "-session"), "contracts": _contracts(org),
         "polls": within(Poll.objects, org).order_by("-opens_at")[:50], "congress_form": congress_form,
         "poll_form": poll_form, "contract_form": contract_form, "overdue": congresses.overdue(org),
         "overdue_matters": _overdue_matters(org)},
    )  # fmt: skip


def _contracts(org):
    from ..models import Contract

    return within(Contract.objects, org).order_by("-starts_on")


def _overdue_matters(org):
    from .. import matters

    return matters.overdue(org)


@staff_required
def staff_congress(request, pk: int):
    found = get_object_or_404(scope(Congress.objects, request.user), pk=pk)
    action = request.POST.get("action")
    rep_form = RepresentativeForm(request.POST if action == "rep" else None)
    departments = list(departments_over(found.org).values_list("name", flat=True))
    review_form = ReviewForm(request.POST if action == "review" else None, departments=departments)
    answer_form = AnswerForm(request.POST if action == "answer" else None)
    if request.method == "POST":
        try:
            if action == "rep" and rep_form.is_valid():
                member = (
                    within(Member.objects, found.org)
                    .filter(user__username=rep_form.cleaned_data["member"])
                    .first()
                )
                if member is None:
                    raise DomainError(
                        "invalid", _("本工会没有这个会员"), fields={"member": _("本工会没有这个会员")}
                    )
                congresses.representative_add(
                    congress=found,
                    member=member,
                    delegation=rep_form.cleaned_data["delegation"],
                    category=rep_form.cleaned_data["category"],
                )
                messages.success(request, _("已添加代表"))
                return redirect("staff-congress", found.pk)
            if action in ("review", "answer"):
                proposal = get_object_or_404(
                    within(Proposal.objects, found.org),
                    congress=found,
                    pk=int_param(request.POST.get("proposal")),
                )
                if action == "review" and review_form.is_valid():
                    congresses.review(proposal=proposal, **review_form.cleaned_data)
                    messages.success(request, _("已审查"))
                    return redirect("staff-congress", found.pk)
                if action == "answer" and answer_form.is_valid():
                    congresses.answer(proposal=proposal, text=answer_form.cleaned_data["answer"])
                    messages.success(request, _("已答复"))
                    return redirect("staff-congress", found.pk)
        except DomainError as exc:
            add_domain_error({"rep": rep_form, "review": review_form, "answer": answer_form}[action], exc)
    return render(
        request,
        "democracy/staff/congress.html",
        {"congress": found, "posted_for": int_param(request.POST.get("proposal")) if action in ("review", "answer") else 0,
         "blank_review": ReviewForm(departments=departments), "blank_answer": AnswerForm(), "representatives": found.representatives.select_related("member"),
         "composition": congresses.composition(found), "proposals": congresses.proposals_for(request.user, found),
         "rep_form": rep_form, "review_form": review_form, "answer_form": answer_form, "statuses": ProposalStatus,
         "today": timezone.localdate()},
    )  # fmt: skip


@login_required
@never_cache
def proposal_steps(request):
    """A department handler's proposals to answer (提案承办), and those answered."""
    from unionhome.members.departments import handler_departments

    from ..selectors import handler_queue

    if not handler_departments(request.user):
        raise Http404
    answered = request.GET.get("tab") == "answered"
    return render(
        request,
        "democracy/handler/steps.html",
        {"tab": "answered" if answered else "pending", "steps": handler_queue(request.user, answered=answered)[:200],
         "pending": handler_queue(request.user, answered=False).count()},
    )  # fmt: skip


@login_required
@never_cache
def proposal_step(request, pk: int):
    from ..selectors import handler_steps

    step = handler_steps(request.user).filter(pk=pk).first()
    if step is None:
        raise Http404
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            congresses.step_answer(step, actor=request.user, text=form.cleaned_data["answer"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已答复"))
            return redirect("proposal-steps")
    return render(
        request,
        "democracy/handler/step.html",
        {"step": step, "proposal": step.proposal, "form": form, "today": timezone.localdate()},
    )
