"""Reads for the assistant's pages and API."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from unionhome.core.errors import NotFound
from unionhome.core.scoping import by_rule, require_staff, role_paths, scope, subtree_q

from .models import Entry, Question, QuestionStatus


def entries_editable(user) -> QuerySet[Entry]:
    """The entries a staff member manages: shared ones (read by all staff, edited by admins) and
    their unions' own."""
    require_staff(user)
    entries = by_rule(Entry.objects, "the shared entries, and those of the caller's unions")
    if user.is_superuser:
        return entries
    return entries.filter(Q(org__isnull=True) | subtree_q(role_paths(user), "org"))


def entry_get(user, kb_id: str) -> Entry:
    entry = entries_editable(user).filter(kb_id=kb_id).first()
    if entry is None:
        raise NotFound()
    return entry


def entry_search(user, *, text: str = "", category: str = "", active: bool | None = True):
    qs = entries_editable(user).select_related("org")
    if text:
        qs = qs.filter(Q(question__icontains=text) | Q(kb_id__iexact=text) | Q(answer__icontains=text))
    if category:
        qs = qs.filter(category=category)
    if active is not None:
        qs = qs.filter(active=active)
    return qs


def unanswered(user) -> QuerySet[Question]:
    """Questions it could not answer, or whose answer did not help: the staff's to-do list.
    Questions from people outside any union are the platform admins' to look at."""
    require_staff(user)
    return scope(Question.objects.filter(status=QuestionStatus.OPEN).select_related("entry"), user)


def question_get(user, pk: int) -> Question:
    question = unanswered(user).filter(pk=pk).first()
    if question is None:
        raise NotFound()
    return question
