from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from .notifications import unread_count
from .scoping import is_handler, is_staff_anywhere


@dataclass(frozen=True)
class ShellState:
    """What the page shell shows of the person: the inbox badge and the staff tab."""

    unread: int
    staff: bool
    handler: bool


def shell_state(request) -> ShellState:
    """Read once per request, however often the page's templates ask."""
    state = getattr(request, "_shell_state", None)
    if state is None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            state = ShellState(unread_count(user), is_staff_anywhere(user), is_handler(user))
        else:
            state = ShellState(0, False, False)
        request._shell_state = state
    return state


def shell(request):
    # Callables: Django evaluates them only when a template uses them, so a page that shows no
    # badge makes no query for it.
    return {
        "elder_mode": getattr(request, "elder_mode", False),
        "unread_count": lambda: shell_state(request).unread,
        "is_union_staff": lambda: shell_state(request).staff,
        "is_handler": lambda: shell_state(request).handler,
        "languages": settings.LANGUAGES,
    }
