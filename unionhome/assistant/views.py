"""Pages: the member's chat with the assistant; the staff's knowledge base and to-do list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from unionhome.core.access import staff_required
from unionhome.core.errors import DomainError, Forbidden
from unionhome.core.forms import add_domain_error, int_param
from unionhome.core.paging import page_of
from unionhome.core.scoping import by_rule, home_org, own

from . import selectors, services
from .forms import AskForm, EntryForm
from .models import Category, Entry, Question

# Quick questions for the chips: what members ask most, worded the way they ask.
CHIPS = [
    "怎么加入工会？",
    "单位拖欠工资怎么办？",
    "加班费按什么标准算？",
    "年假有几天？",
    "工伤怎么申请认定？",
    "困难帮扶怎么申请？",
]


def _conversation(user):
    """The member's recent questions (the last 12), oldest first, with their related entries."""
    turns = list(own(Question.objects, user, field="user").select_related("entry")[:12])[::-1]
    keys = {k for t in turns for k in t.related}
    named = by_rule(Entry.objects, "the entries the caller's own answers named")
    entries = {e.kb_id: e for e in named.filter(kb_id__in=keys)}
    for turn in turns:
        turn.related_entries = [entries[k] for k in turn.related if k in entries]
        turn.links = services.service_links(turn.answer)
    return turns


@login_required
def chat(request):
    form = AskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.ask(user=request.user, text=form.cleaned_data["question"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if request.htmx:
                turn = result.question
                turn.related_entries = result.related
                turn.links = services.service_links(turn.answer)
                return render(request, "assistant/_turn.html", {"turn": turn, "fresh": True})
            return redirect(f"{reverse('assistant')}#q{result.question.pk}")
    if request.method == "POST" and request.htmx:
        return render(request, "assistant/_error.html", {"form": form})
    return render(
        request,
        "assistant/chat.html",
        {"form": form, "turns": _conversation(request.user), "chips": CHIPS},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def feedback(request, pk: int):
    services.feedback(user=request.user, question_id=pk, helpful=request.POST.get("helpful") == "1")
    if request.htmx:
        return render(request, "assistant/_thanks.html")
    messages.success(request, _("谢谢您的反馈"))
    return redirect(f"{reverse('assistant')}#q{pk}")


@login_required
@require_POST
def handoff(request):
    """转人工 in two steps: first what will be sent, with a box to add to it; then, confirmed, the
    appeal that carries the conversation."""
    ids = [i for i in (int_param(v) for v in request.POST.getlist("question")[:50]) if i]
    note = request.POST.get("note", "")[:1000]
    if request.POST.get("confirm") != "1":
        turns = services.handoff_preview(user=request.user, question_ids=ids)
        return render(request, "assistant/handoff.html", {"turns": turns, "note": note})
    try:
        appeal = services.handoff(user=request.user, question_ids=ids, note=note)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("assistant")
    messages.success(request, _("已转人工，诉求编号 %(n)s。工作人员会尽快联系您。") % {"n": appeal.number})
    return redirect("appeal", appeal.pk)


# -- staff -------------------------------------------------------------------------------------


@staff_required
def staff_kb(request):
    text = request.GET.get("q", "").strip()[:50]
    category = request.GET.get("category", "")
    entries = selectors.entry_search(request.user, text=text, category=category)
    return render(
        request,
        "assistant/staff/kb.html",
        {
            "entries": page_of(request, entries),
            "total": entries.count(),
            "q": text,
            "category": category,
            "categories": Category.choices,
            "open_count": selectors.unanswered(request.user).count(),
        },
    )


def _entry_initial(entry: Entry) -> dict:
    return {
        "question": entry.question,
        "answer": entry.answer,
        "category": entry.category,
        "keywords": " ".join(entry.keywords),
        "synonyms": "\n".join(entry.synonyms),
        "source": entry.source,
        "reviewed_on": entry.reviewed_on,
        "is_guide": entry.is_guide,
    }


@staff_required
def staff_entry(request, kb_id: str | None = None):
    entry = selectors.entry_get(request.user, kb_id) if kb_id else None
    question = None
    initial: dict = _entry_initial(entry) if entry else {}
    if entry is None and request.GET.get("from"):
        question = selectors.question_get(request.user, int_param(request.GET["from"]))
        initial = {"question": question.text, "synonyms": question.text}
    # Root admins write shared entries; any other staff (a sub-union's admin too) their union's own.
    org = entry.org if entry else (None if services.is_root_admin(request.user) else home_org(request.user))
    can_edit = services.can_edit_entry(request.user, org)
    if request.method == "POST" and not can_edit:
        raise Forbidden("forbidden", _("只有总工会管理员可以编辑公共知识库"))
    form = EntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and request.POST.get("action") == "retire" and entry:
        services.entry_retire(actor=request.user, entry=entry)
        messages.success(request, _("已停用 %(id)s") % {"id": entry.kb_id})
        return redirect("staff-kb")
    if request.method == "POST" and form.is_valid():
        from_question = int_param(request.POST.get("from_question")) or None
        try:
            saved = services.entry_save(
                actor=request.user, entry=entry, org=org, from_question=from_question, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已保存 %(id)s，问答马上生效") % {"id": saved.kb_id})
            return redirect("staff-kb-entry", saved.kb_id)
    return render(
        request,
        "assistant/staff/entry.html",
        {
            "form": form,
            "entry": entry,
            "question": question,
            "from_question": request.GET.get("from", ""),
            "can_edit": can_edit,
        },
        status=400 if form.errors else 200,
    )


@staff_required
def staff_unanswered(request):
    if request.method == "POST":
        question = selectors.question_get(request.user, int_param(request.POST.get("question")))
        services.question_dismiss(actor=request.user, question=question)
        messages.success(request, _("已忽略"))
        return redirect("staff-kb-unanswered")
    return render(
        request,
        "assistant/staff/unanswered.html",
        {"questions": page_of(request, selectors.unanswered(request.user))},
    )
