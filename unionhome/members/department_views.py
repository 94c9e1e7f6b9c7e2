"""Staff pages for the departments list and their handlers (members.departments)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from unionhome.core.access import staff_required
from unionhome.core.errors import DomainError
from unionhome.core.forms import add_domain_error, int_param
from unionhome.core.scoping import visible_orgs

from . import departments
from .forms import DepartmentForm, HandlerForm


@staff_required
def department_list(request):
    orgs = visible_orgs(request.user)
    form = DepartmentForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            department = departments.department_add(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已新增“%(d)s”，请为它指定承办人") % {"d": department.name})
            return redirect("staff-departments")
    listed = list(departments.department_managed(request.user))
    handlers = departments.handlers_by_department(listed)  # one query for the whole list
    rows = [{"department": d, "handlers": handlers[d.pk], "staffed": len(handlers[d.pk])} for d in listed]
    return render(request, "staff/departments.html", {"rows": rows, "form": form})


@staff_required
def department_detail(request, pk: int):
    department = departments.department_get(request.user, pk)
    form = HandlerForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add" and form.is_valid():
                departments.handler_add(department, actor=request.user, who=form.cleaned_data["who"])
                messages.success(request, _("已指定承办人"))
                return redirect("staff-department", pk=pk)
            if action == "remove":
                departments.handler_remove(
                    department, actor=request.user, user_id=int_param(request.POST.get("user"))
                )
                messages.success(request, _("已移除承办人"))
                return redirect("staff-department", pk=pk)
        except DomainError as exc:
            add_domain_error(form, exc)
    return render(
        request,
        "staff/department.html",
        {"department": department, "handlers": departments.handlers_of(department), "form": form},
    )


@staff_required
@require_POST
def department_active(request, pk: int):
    department = departments.department_get(request.user, pk)
    active = request.POST.get("active") == "1"
    departments.department_set_active(department, active=active, actor=request.user)
    messages.success(request, _("已恢复") if active else _("已停用，不再接收新的会办单"))
    return redirect("staff-department", pk=pk)
