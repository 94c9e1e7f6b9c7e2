from __future__ import annotations

from django.conf import settings

from .notifications import unread_count
from .scoping import is_staff_anywhere


def shell(request):
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)

    def unread():
        return unread_count(user) if authenticated else 0

    def staff():
        return authenticated and is_staff_anywhere(user)

    # Callables: Django evaluates them only when a template uses them, so a page that shows no
    # badge makes no query for it.
    return {
        "elder_mode": getattr(request, "elder_mode", False),
        "unread_count": unread,
        "is_union_staff": staff,
        "languages": settings.LANGUAGES,
    }
