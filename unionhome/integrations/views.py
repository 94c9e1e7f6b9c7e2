"""Staff: the enterprise systems that feed the union, and a spreadsheet upload for an
enterprise without IT."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from unionhome.core.access import staff_required
from unionhome.core.errors import DomainError
from unionhome.core.forms import add_domain_error
from unionhome.core.scoping import get_scoped, scope, visible_orgs

from . import services, uploads
from .forms import EventsUploadForm, IntegrationForm
from .models import Integration


@staff_required
def integration_list(request):
    form = IntegrationForm(request.POST or None, orgs=visible_orgs(request.user).order_by("path"))
    created = None
    if request.method == "POST" and form.is_valid():
        integration, secret = services.integration_create(actor=request.user, **form.cleaned_data)
        created = {"integration": integration, "secret": secret}  # shown this once, never again
        form = IntegrationForm(orgs=visible_orgs(request.user).order_by("path"))
    integrations = scope(Integration.objects.select_related("org"), request.user)
    return render(
        request,
        "integrations/list.html",
        {"form": form, "created": created, "integrations": integrations},
    )


@staff_required
def integration_upload(request, key: str):
    integration = get_scoped(Integration.objects.select_related("org"), request.user, key=key[:64])
    form = EventsUploadForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        try:
            result, errors = uploads.upload_apply(
                integration=integration, data=form.cleaned_data["file"].read()
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            outcome = {"result": result, "errors": errors}
    return render(
        request,
        "integrations/upload.html",
        {"integration": integration, "form": form, "outcome": outcome, "title": _("上传表格")},
    )
