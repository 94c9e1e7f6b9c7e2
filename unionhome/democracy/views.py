"""Democracy pages: the member's 民主管理 (the congress's proposals, polls and their results) and
the staff's congress, proposals and polls."""

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

from . import congress as congresses
from . import polls
from .forms import (
    AnswerForm,
    CongressForm,
    ContractForm,
    PaperForm,
    PollForm,
    ProposalForm,
    ReceiptForm,
    RepresentativeForm,
    ReviewForm,
)
from .models import Congress, Poll, PollKind, Proposal, ProposalStatus, Voter


def _visible_polls(user, member) -> list[Poll]:
    """Polls the caller may vote in, and those of their union's subtree and above."""
    mine = set(own(Voter.objects, user, field="user").values_list("poll_id", flat=True))
    found = []
    if member is not None:
        from unionhome.core.scoping import above

        found = list(above(Poll.objects, member.org).order_by("-opens_at")[:50])
    extra = (
        by_rule(Poll.objects, "the polls the caller is on the list of")
        .filter(pk__in=mine)
        .exclude(pk__in=[p.pk for p in found])
    )
    return sorted(found + list(extra), key=lambda p: p.opens_at, reverse=True)


@login_required
def home(request):
    member = member_of(request.user)
    from unionhome.core.scoping import above

    congresses_here = (
        list(above(Congress.objects, member.org).order_by("-term", "-session")[:10]) if member else []
    )
    now = timezone.now()
    rows = []
    for poll in _visible_polls(request.user, member):
        polls.freeze(poll, now)
        voter = own(Voter.objects, request.user, field="user").filter(poll=poll).first()
        rows.append((poll, voter, poll.opens_at <= now < poll.closes_at, now >= poll.closes_at))
    from . import matters as register
    from .models import Contract, Matter

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
        from .models import Second

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


def _poll_or_404(request, pk: int) -> Poll:
    try:
        return polls.poll_for(request.user, pk)
    except NotFound:
        raise Http404 from None


@never_cache
@login_required
def poll(request, pk: int):
    """Vote (the receipt is shown once, on the answer to the vote), or after the close see the
    result and check a receipt."""
    found = _poll_or_404(request, pk)
    now = timezone.now()
    polls.freeze(found, now)
    voter = own(Voter.objects, request.user, field="user").filter(poll=found).first()
    receipt, error, checked = None, None, None
    receipt_form = ReceiptForm(request.GET or None)
    if request.method == "POST":
        if found.kind == PollKind.ITEMS:
            choices = {item: request.POST.get(f"item{i}", "") for i, item in enumerate(found.options)}
        else:
            choices = request.POST.getlist("choice")
        try:
            receipt = polls.vote(poll=found, user=request.user, choices=choices)
            voter = own(Voter.objects, request.user, field="user").filter(poll=found).first()
        except DomainError as exc:
            error = exc.message
    if receipt_form.is_valid():
        checked = polls.counted(found, receipt_form.cleaned_data["receipt"].strip())
    result = polls.result(found, now) if now >= found.closes_at else None
    return render(
        request,
        "democracy/poll.html",
        {"poll": found, "voter": voter, "receipt": receipt, "error": error, "result": result,
         "open": found.opens_at <= now < found.closes_at, "receipt_form": receipt_form, "checked": checked,
         "words": PaperForm.WORDS},
    )  # fmt: skip


# -- staff ----------------------------------------------------------------------------------------


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
                from . import contracts

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
    from .models import Contract

    return within(Contract.objects, org).order_by("-starts_on")


def _overdue_matters(org):
    from . import matters

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


@staff_required
def staff_poll(request, pk: int):
    found = get_object_or_404(scope(Poll.objects, request.user), pk=pk)
    now = timezone.now()
    form = PaperForm(request.POST or None, poll=found)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            polls.paper_add(
                poll=found, tellers=[d["teller1"], d["teller2"]], voters=d["voters"], counts=form.counts()
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("纸质票已录入"))
            return redirect("staff-poll", found.pk)
    polls.freeze(found, now)
    voters = by_rule(Voter.objects, "the poll's own voter list").filter(poll=found)
    return render(
        request,
        "democracy/staff/poll.html",
        {"poll": found, "form": form, "closed": now >= found.closes_at, "result": polls.result(found, now) if now >= found.closes_at else None,
         "eligible": voters.count(), "voted": voters.filter(voted=True).count(), "words": PaperForm.WORDS},
    )  # fmt: skip


@staff_required
def staff_matters(request):
    """The register: search, overdue answers first, a new matter."""
    from . import matters
    from .forms import MatterForm

    org = staff_org(request.user, int_param(request.GET.get("org")))
    form = MatterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = matters.matter_create(org=org, data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("事项已登记"))
            return redirect("staff-matter", made.pk)
    q = (request.GET.get("q") or "").strip()[:50]
    return render(
        request,
        "democracy/staff/matters.html",
        {"org": org, "form": form, "q": q, "found": matters.search(org, q), "overdue": matters.overdue(org)},
    )


@staff_required
def staff_matter(request, pk: int):
    from unionhome.core.uploads import EVIDENCE_TYPES, check_upload

    from . import matters
    from .forms import StepForm
    from .models import Matter

    found = get_object_or_404(scope(Matter.objects, request.user), pk=pk)
    nxt = matters.next_step(found)
    closed = [
        p
        for p in within(Poll.objects, found.org).order_by("-closes_at")[:50]
        if p.closes_at <= timezone.now()
    ]
    form = StepForm(request.POST or None, request.FILES or None, polls=closed)
    if request.method == "POST" and nxt is not None and form.is_valid():
        try:
            upload = form.cleaned_data.get("attachment")
            if upload:
                check_upload(upload, field="attachment", allowed=EVIDENCE_TYPES)
            matters.step_done(
                matter=found,
                by=request.user,
                step=nxt.code,
                note=form.cleaned_data["note"],
                attachment=upload,
                poll=form.cleaned_data.get("poll"),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已记录"))
            return redirect("staff-matter", found.pk)
    return render(
        request,
        "democracy/staff/matter.html",
        {"matter": found, "archive": matters.archive(found), "next": nxt, "form": form},
    )


def _raise_or_support(request, form, *, action, create, created, support, key, url):
    """A public list's POST: a new item from `form` (POST `action`), or the member's support for
    the item whose id is POST `key`. The redirect to answer with, or None to show the page again
    with the form's errors (what was typed stays); a refused support is told on the list."""
    try:
        if request.POST.get("action") == action and form.is_valid():
            create(user=request.user, **form.cleaned_data)
            messages.success(request, created)
            return redirect(url)
        if request.POST.get("action") == "support":
            support(int_param(request.POST.get(key)) or 0)
            messages.success(request, _("已支持"))
            return redirect(url)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        if request.POST.get("action") == action:
            add_domain_error(form, exc)
        else:
            messages.error(request, exc.message)
            return redirect(url)
    return None


@login_required
def suggestion_list(request):
    """合理化建议: the public list, support, and a new suggestion."""
    from . import suggestions
    from .forms import SuggestionForm

    form = SuggestionForm(request.POST if request.POST.get("action") == "submit" else None)
    if request.method == "POST":
        done = _raise_or_support(
            request, form, action="submit", create=suggestions.submit, created=_("建议已提交，谢谢您"),
            support=lambda pk: suggestions.support(suggestion=suggestions.suggestion_for(request.user, pk), user=request.user),
            key="suggestion", url="suggestions",
        )  # fmt: skip
        if done is not None:
            return done
    found = suggestions.visible(request.user)
    member = member_of(request.user)
    return render(
        request,
        "democracy/suggestions.html",
        {"rows": [(s, suggestions.public_author(s)) for s in found], "form": form, "supported": suggestions.supported_by(request.user),
         "me": member.pk if member else None},
    )  # fmt: skip


@staff_required
def staff_suggestions(request):
    from . import suggestions
    from .forms import AssessForm
    from .models import Suggestion

    org = staff_org(request.user, int_param(request.GET.get("org")))
    form = AssessForm(request.POST or None)
    if request.method == "POST":
        found = get_object_or_404(
            within(Suggestion.objects, org), pk=int_param(request.POST.get("suggestion"))
        )
        if form.is_valid():
            try:
                suggestions.assess(suggestion=found, **form.cleaned_data)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("已更新"))
            return redirect(f"{request.path}?org={org.pk}")
    return render(
        request,
        "democracy/staff/suggestions.html",
        {
            "org": org,
            "rows": within(Suggestion.objects, org).select_related("author").order_by("-created_at")[:200],
            "form": form,
            "next": suggestions.NEXT,
        },
    )


def _quarter_asked(request) -> str:
    from . import contracts

    try:
        year, q = contracts.parse_quarter(request.GET.get("quarter") or request.POST.get("quarter") or "")
    except DomainError:
        today = timezone.localdate()
        previous = (today.month - 1) // 3  # the quarter just ended
        year, q = (today.year, previous) if previous else (today.year - 1, 4)
    return f"{year}Q{q}"


@login_required
def contract(request, pk: int):
    """What members see: each clause of the contract and the quarter's verdict, in plain words."""
    from . import contracts

    try:
        found = contracts.contract_for(request.user, pk)
    except NotFound:
        raise Http404 from None
    quarter = _quarter_asked(request)
    return render(
        request,
        "democracy/contract.html",
        {"contract": found, "quarter": quarter, "rows": contracts.summary(found, quarter)},
    )


@staff_required
def staff_contract(request, pk: int):
    """Clauses, data items and deliveries; an .xlsx of figures; the quarterly check; the reviews."""
    from . import contracts
    from .forms import CheckForm, DataUploadForm, ReviewCloseForm
    from .models import CheckResult, Contract, Delivery

    found = get_object_or_404(scope(Contract.objects, request.user), pk=pk)
    quarter = _quarter_asked(request)
    action = request.POST.get("action")
    upload_form = DataUploadForm(
        request.POST if action == "upload" else None, request.FILES if action == "upload" else None
    )
    check_form = CheckForm(request.POST if action == "check" else None, initial={"quarter": quarter})
    close_form = ReviewCloseForm(request.POST if action == "close" else None)
    report = None
    if request.method == "POST":
        try:
            if action == "upload" and upload_form.is_valid():
                report = contracts.upload(contract=found, data=upload_form.cleaned_data["file"].read())
                messages.success(request, _("已收到 %(n)d 个数据") % {"n": report["delivered"]})
            elif action == "check" and check_form.is_valid():
                contracts.quarter_check(
                    contract=found,
                    quarter=check_form.cleaned_data["quarter"],
                    owner=check_form.cleaned_data["owner"],
                )
                messages.success(request, _("季度核查已完成"))
                return redirect(f"{request.path}?quarter={check_form.cleaned_data['quarter'].upper()}")
            elif action == "close" and close_form.is_valid():
                result = get_object_or_404(
                    within(CheckResult.objects, found.org),
                    pk=int_param(request.POST.get("result")),
                    clause__contract=found,
                )
                contracts.review_close(result=result, note=close_form.cleaned_data["note"])
                messages.success(request, _("复议已办结"))
                return redirect(f"{request.path}?quarter={quarter}")
        except DomainError as exc:
            add_domain_error(
                {"upload": upload_form, "check": check_form, "close": close_form}.get(action, check_form), exc
            )
    deliveries = (
        within(Delivery.objects, found.org)
        .filter(item__contract=found)
        .select_related("item")
        .order_by("-delivered_at")[:100]
    )
    return render(
        request,
        "democracy/staff/contract.html",
        {"contract": found, "quarter": quarter, "rows": contracts.summary(found, quarter), "items": found.items.all(),
         "deliveries": deliveries, "upload_form": upload_form, "check_form": check_form, "close_form": close_form, "report": report},
    )  # fmt: skip


@login_required
def topic_list(request):
    """平台劳动者议题: raise an issue under one of the six topics, support others'."""
    from . import topics
    from .forms import TopicForm

    form = TopicForm(request.POST if request.POST.get("action") == "raise" else None)
    if request.method == "POST":
        done = _raise_or_support(
            request, form, action="raise", create=topics.raise_topic, created=_("议题已提交"),
            support=lambda pk: topics.support(topic=topics.topic_for(request.user, pk), user=request.user),
            key="topic", url="topics",
        )  # fmt: skip
        if done is not None:
            return done
    member = member_of(request.user)
    return render(
        request,
        "democracy/topics.html",
        {"rows": topics.visible(request.user), "form": form, "me": member.pk if member else None},
    )


@staff_required
def staff_topics(request):
    from . import matters, topics
    from .forms import ClauseFromItemForm, GroupForm
    from .models import Contract, NegotiationItem, Topic

    org = staff_org(request.user, int_param(request.GET.get("org")))
    contracts_here = list(within(Contract.objects, org).order_by("-starts_on"))
    writing = request.POST.get("action") == "clause"
    clause_form = ClauseFromItemForm(request.POST if writing else None, contracts=contracts_here)
    form = GroupForm(request.POST if request.method == "POST" and not writing else None)
    if writing:
        item = get_object_or_404(
            within(NegotiationItem.objects, org).select_related("matter"),
            pk=int_param(request.POST.get("item")),
        )
        if clause_form.is_valid():
            clause, items = clause_form.clause_for(item)
            try:
                topics.to_clause(
                    item=item, contract=next(c for c in contracts_here if c.pk == clause_form.cleaned_data["contract"]),
                    clause=clause, items=items,
                )  # fmt: skip
            except DomainError as exc:
                add_domain_error(
                    clause_form, exc, field_map={"clauses.0.rule": "limit", "items.0.name": "figure"}
                )
            else:
                messages.success(request, _("已写入集体合同"))
                return redirect(f"{request.path}?org={org.pk}")
    if form.is_bound and form.is_valid():
        try:
            item = topics.group(
                org=org,
                topic_ids=[int(x) for x in request.POST.getlist("topic") if x.isdigit()],
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
            )
            if form.cleaned_data["register"]:
                topics.to_matter(item=item)
        except DomainError as exc:
            add_domain_error(form, exc, field_map={"topics": "title"})
        else:
            messages.success(request, _("已归并为协商事项"))
            return redirect(f"{request.path}?org={org.pk}")
    return render(
        request,
        "democracy/staff/topics.html",
        {"org": org, "form": form, "topics": within(Topic.objects, org).select_related("item").order_by("kind", "-supports"),
         "items": [(i, matters.signed(i.matter) if i.matter else False) for i in within(NegotiationItem.objects, org).select_related("matter", "clause__contract")],
         "clause_form": clause_form, "blank_clause": ClauseFromItemForm(contracts=contracts_here),
         "writing_for": int_param(request.POST.get("item")) if writing else 0},
    )  # fmt: skip


@login_required
@never_cache
def proposal_steps(request):
    """A department handler's proposals to answer (提案承办), and those answered."""
    from unionhome.members.departments import handler_departments

    from .selectors import handler_queue

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
    from .selectors import handler_steps

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
