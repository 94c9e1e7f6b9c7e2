"""Who may open a page: the decorators every app's views use.

`staff_required`: a staff role (staff, chair, admin) anywhere; anybody else sees the 403 page,
someone not logged in is sent to log in. Which records a staff member then sees is
`core.scoping`'s: a role somewhere opens the page, not every union's rows."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Role
from .scoping import is_handler, is_staff_anywhere, role_paths


def work_home(user) -> str | None:
    """Where a person with union work starts after logging in: the chair at their desk, staff on
    the workbench, a department's handler on their queue; a member on the member home (None)."""
    if role_paths(user, [Role.CHAIR]):
        return reverse("staff-desk")
    if is_staff_anywhere(user):
        return reverse("staff-home")
    if is_handler(user):
        return reverse("handler-queue")
    return None


def staff_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_staff_anywhere(request.user):
            return render(
                request,
                "core/error.html",
                {"title": _("无权访问"), "message": _("只有工会工作人员可以使用此功能。")},
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapped
