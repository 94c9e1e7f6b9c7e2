"""A department handler's pages: the queue of 会办单 steps and the answer to one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from unionhome.core.errors import DomainError
from unionhome.core.forms import add_domain_error

from . import dispatch, selectors, services
from .forms import AnswerForm


@login_required
def handler_queue(request):
    """The handler's home: the steps waiting for their departments' answer, and a tab of what
    they answered (nothing vanishes once answered)."""
    if not dispatch.handler_departments(request.user):
        raise Http404
    done = request.GET.get("tab") == "answered"
    steps = selectors.handler_done(request.user) if done else selectors.handler_queue(request.user)
    context = {
        "tab": "answered" if done else "pending",
        "page": Paginator(steps, 30).get_page(request.GET.get("page")),
        "pending": selectors.handler_queue(request.user).count(),
        "departments": sorted({dept for _path, dept in dispatch.handler_departments(request.user)}),
    }
    return render(request, "appeals/handler/queue.html", context)


@login_required
def handler_step(request, pk: int):
    step = selectors.handler_step(request.user, pk)
    form = AnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            dispatch.dispatch_answer(
                step, actor=request.user, answer=form.cleaned_data["answer"], files=form.cleaned_data["files"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已反馈"))
            return redirect("handler-queue")
    return render(
        request,
        "appeals/handler/step.html",
        {
            "step": step,
            "appeal": step.appeal,
            "member": services.member_label(request.user, step.appeal),
            "form": form,
        },
    )
