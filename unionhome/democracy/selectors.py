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
