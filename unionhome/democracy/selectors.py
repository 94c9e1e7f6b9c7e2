"""What democracy's public lists share."""

from __future__ import annotations

from django.db.models import QuerySet

from unionhome.core.scoping import above, within


def enterprise_and_above(qs: QuerySet, user, limit: int = 300) -> list:
    """Rows of `qs` made anywhere in the member's enterprise (its branches included) or in the
    unions above it: what a public list of suggestions or topics shows them."""
    from unionhome.members.selectors import member_of

    member = member_of(user)
    if member is None:
        return []
    home = member.org.enterprise() or member.org
    found = {row.pk: row for row in within(qs, home)[:limit]}
    found |= {row.pk: row for row in above(qs, home)[:limit]}
    return list(found.values())


def handler_steps(user) -> QuerySet:
    """Proposal shares of the user's departments, within the subtrees where they handle them."""
    from django.db.models import Q

    from unionhome.core.scoping import by_rule
    from unionhome.members.departments import handler_departments

    from .models import ProposalStep

    q = Q(pk__in=[])
    for path, dept in handler_departments(user):
        q |= Q(org__path__startswith=path, department=dept)
    return (
        by_rule(ProposalStep.objects, "a handler's departments, under where they handle them")
        .filter(q)
        .select_related("proposal", "proposal__congress")
    )


def handler_queue(user, *, answered: bool) -> QuerySet:
    """Waiting (soonest due first) or answered (newest first)."""
    steps = handler_steps(user).filter(answered_at__isnull=not answered)
    return steps.order_by("-answered_at", "-pk") if answered else steps.order_by("due_on", "pk")
