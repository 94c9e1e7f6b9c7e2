"""The public lists members raise and support — rationalisation suggestions and platform workers' topics — and their staff pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from unionhome.core.access import staff_required
from unionhome.core.bounds import id_value
from unionhome.core.errors import DomainError, NotFound
from unionhome.core.forms import add_domain_error, int_param
from unionhome.core.scoping import staff_org, within
from unionhome.members.selectors import member_of


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
    from .. import suggestions
    from ..forms import SuggestionForm

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
    from .. import suggestions
    from ..forms import AssessForm
    from ..models import Suggestion

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


@login_required
def topic_list(request):
    """平台劳动者议题: raise an issue under one of the six topics, support others'."""
    from .. import topics
    from ..forms import TopicForm

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
    from .. import matters, topics
    from ..forms import ClauseFromItemForm, GroupForm
    from ..models import Contract, NegotiationItem, Topic

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
                topic_ids=[n for x in request.POST.getlist("topic") if (n := id_value(x))],
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
