"""Polls and ballots: the member's ballot, receipt and result; the staff's poll with its paper ballots."""

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
from unionhome.core.forms import add_domain_error
from unionhome.core.scoping import by_rule, own, scope

from .. import polls
from ..forms import (
    PaperForm,
    ReceiptForm,
)
from ..models import Poll, PollKind, Voter


def visible_polls(user, member) -> list[Poll]:
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
