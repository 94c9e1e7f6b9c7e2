"""Member pages (join, profile, e-card, transfer) and the staff back office for members."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from unionhome.core import otp, throttle
from unionhome.core.access import staff_required
from unionhome.core.areas import SHORTCUTS, areas_in_use
from unionhome.core.audit import timeline_entries
from unionhome.core.auth import devices
from unionhome.core.crypto import mask_phone
from unionhome.core.errors import DomainError
from unionhome.core.forms import add_domain_error, int_param
from unionhome.core.paging import page_of
from unionhome.core.phones import show_demo_code
from unionhome.core.scoping import get_scoped, own, scope, visible_orgs, within
from unionhome.core.throttle import address_key
from unionhome.core.workdays import years_missing_data

from . import idcard, joining, roster, selectors, services
from .card import card_qr_svg
from .forms import (
    AccountFields,
    ConsentForm,
    DeletionForm,
    JoinCodeForm,
    JoinForm,
    NoteForm,
    ProfileForm,
    RevealForm,
    RosterUploadForm,
    StaffMemberForm,
    TransferForm,
)
from .groups import age_band
from .models import (
    DeletionRequest,
    DeletionStatus,
    JoinApplication,
    JoinStatus,
    Member,
    MemberStatus,
    RosterImport,
    ServiceGroup,
    Transfer,
    TransferStatus,
)

PHONE_CODE_TEXT = _l("【网上职工之家】您的入会验证码 %(code)s，10分钟内有效。请勿告诉任何人。")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def home(request):
    """The member's home: who they are in the union, the service areas, the common tasks."""
    member = selectors.member_of(request.user)
    pending = member is None and selectors.pending_join(request.user) is not None
    context = {"areas": areas_in_use(), "shortcuts": SHORTCUTS, "member": member, "pending_join": pending}
    return render(request, "core/home.html", context)


def _own_member_or_404(request) -> Member:
    member = selectors.member_of(request.user)
    if member is None:
        raise Http404
    return member


# --- member pages -------------------------------------------------------------------------------


def join(request):
    """Apply to join. Without an account, the same form creates one, once the phone is proved
    by a code (login by phone then). A code is sent by the form's second button, which keeps
    everything typed."""
    logged_in = request.user.is_authenticated
    if logged_in:
        member = selectors.member_of(request.user)
        if member and member.status == MemberStatus.ACTIVE:
            return redirect("card")
        pending = selectors.pending_join(request.user)
        if pending:
            return _join_pending(request, pending)
    initial = {"logged_in": logged_in}
    if logged_in and request.user.phone:
        initial |= {"phone": request.user.phone, "name": request.user.first_name}
    if request.method == "POST" and "send_code" in request.POST:
        return _join_send_code(request, initial, logged_in)
    form = JoinForm(request.POST or None, initial=initial)
    account = AccountFields(request.POST or None, prefix="acct") if not logged_in else None
    status = 200
    if request.method == "POST" and form.is_valid() and (account is None or account.is_valid()):
        try:
            application = _join_file(request, form.cleaned_data, account)
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status if exc.status == 429 else 200
        else:
            if application.status == JoinStatus.APPROVED:
                messages.success(request, _("入会成功！这是您的电子会员卡。"))
                return redirect("card")
            if application.echo_code:
                request.session["join_echo_code"] = application.echo_code
            messages.info(request, _("申请已提交。"))
            return redirect("join")
    return render(request, "members/join.html", {"form": form, "account": account}, status=status)


def _join_send_code(request, initial: dict, logged_in: bool):
    """Text a code to the phone typed in the form and show the form again as it was typed."""
    form = JoinForm(initial=initial | {k: v for k, v in request.POST.items() if k in JoinForm.base_fields})
    account = AccountFields(prefix="acct") if not logged_in else None
    phone = idcard.normalise_phone(request.POST.get("phone", ""))
    status = 200
    if reason := idcard.phone_error(phone):
        messages.error(request, reason)
    else:
        try:
            code = otp.send(
                purpose="phone",
                target=phone,
                phone=phone,
                text=str(PHONE_CODE_TEXT),
                address=address_key(request),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            status = exc.status
        else:
            messages.info(
                request, _("验证码已发送到 %(phone)s，10分钟内有效。") % {"phone": mask_phone(phone)}
            )
            show_demo_code(request, code)
    return render(request, "members/join.html", {"form": form, "account": account}, status=status)


def _join_file(request, data: dict, account) -> JoinApplication:
    """Prove the phone (a code, unless it is the caller's own account's), make the account if
    there is none yet, then file. Raises DomainError for the form."""
    throttle.require(
        "join.address", address_key(request), limit=joining.JOIN_SUBMITS_PER_ADDRESS, window=3600
    )
    user = request.user
    phone = data["phone"]
    verified = user.is_authenticated and user.phone == phone
    if not verified and data["code"]:
        verified = otp.verify(purpose="phone", target=phone, code=data["code"])
        if not verified:
            raise DomainError(
                "invalid_code", _("验证码不正确或已失效"), fields={"code": _("验证码不正确或已失效")}
            )
    if not user.is_authenticated:
        if not verified:
            raise DomainError(
                "code_required",
                _("请先验证手机号"),
                fields={"code": _("请先点“发送验证码”，填写收到的验证码")},
            )
        User = get_user_model()
        if User.objects.filter(Q(phone=phone) | Q(username=phone)).exists():
            # Said only now that the phone is proved to be the applicant's own.
            raise DomainError(
                "phone_taken", _("该手机号已有账号"), fields={"phone": _("这个手机号已有账号，请直接登录")}
            )
    with transaction.atomic():
        if not user.is_authenticated:
            try:
                with transaction.atomic():
                    user = get_user_model().objects.create_user(
                        username=phone,
                        phone=phone,
                        first_name=data["name"],
                        password=account.cleaned_data["password1"],
                    )
            except IntegrityError:  # the same proved phone sent twice at once: the other made it
                raise DomainError(
                    "phone_taken",
                    _("该手机号已有账号"),
                    fields={"phone": _("这个手机号已有账号，请直接登录")},
                ) from None
        application = joining.join_submit(
            user=user,
            org=data["org"],
            name=data["name"],
            phone=phone,
            phone_verified=verified,
            address=address_key(request),
            employee_no=data["employee_no"],
            id_number=data["id_number"],
            site=data["site"],
            post=data["post"],
            id_consent=data["id_consent"],
        )
    if not request.user.is_authenticated:
        login(request, user, backend="unionhome.core.auth.PhoneOrUsernameBackend")
    return application


def _join_pending(request, application: JoinApplication):
    """Waiting for staff, or for the code texted to the roster's phone: the page is the same in
    every case (joining.JOIN_PENDING_TEXT)."""
    form = JoinCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            throttle.require("join.confirm.address", address_key(request), limit=30, window=3600)
            joining.join_confirm(application=application, user=request.user, code=form.cleaned_data["code"])
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status if exc.status == 429 else 200
        else:
            messages.success(request, _("入会成功！这是您的电子会员卡。"))
            return redirect("card")
    return render(
        request,
        "members/join_pending.html",
        {
            "application": application,
            "timeline": timeline_entries(application),
            "pending_text": joining.JOIN_PENDING_TEXT,
            "form": form,
            "echo_code": request.session.pop("join_echo_code", None),
        },
        status=status,
    )


@login_required
def card(request):
    member = selectors.member_of(request.user)
    if member is None or member.status != MemberStatus.ACTIVE:
        return redirect("join")
    return render(request, "members/card.html", {"member": member, "qr": card_qr_svg(member)})


@login_required
def profile(request):
    member = selectors.member_of(request.user)
    signed_in = devices(request.user, session_key=request.session.session_key)
    if member is None:
        return render(request, "members/profile.html", {"member": None, "devices": signed_in})
    # The form gets its own copy: validating a ModelForm writes the typed values onto its
    # instance, and the service must compare them with what is stored to log what changed.
    copy = own(Member.objects.select_related("org"), request.user, field="user").get(pk=member.pk)
    form = ProfileForm(request.POST or None, instance=copy)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.changed_data}
        try:
            services.member_update(member=member, actor=request.user, changes=data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("资料已保存"))
            return redirect("profile")
    return render(
        request,
        "members/profile.html",
        {
            "member": member,
            "form": form,
            "age_band": age_band(member.birth_date),
            "consent_form": ConsentForm(current=services.consent_current(member)),
            "open_deletion": member.deletion_requests.filter(status=DeletionStatus.REQUESTED).first(),
            "timeline": timeline_entries(member)[-10:],
            "devices": signed_in,
        },
    )


@login_required
@require_POST
def consents(request):
    member = _own_member_or_404(request)
    current = services.consent_current(member)
    form = ConsentForm(request.POST, current=current)
    form.is_valid()
    for purpose, granted in form.cleaned_data.items():
        if current.get(purpose, False) != granted:
            services.consent_set(member=member, purpose=purpose, granted=granted, actor=request.user)
    messages.success(request, _("授权设置已保存"))
    return redirect("profile")


@login_required
def export(request):
    member = _own_member_or_404(request)
    data = services.member_export(member=member, actor=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="my-union-data.json"'
    return response


@login_required
def deletion(request):
    member = _own_member_or_404(request)
    form = DeletionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deletion_request(member=member, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("删除申请已提交，工会审核后会通知您"))
            return redirect("profile")
    return render(request, "members/deletion.html", {"form": form})


@login_required
def transfer(request):
    member = _own_member_or_404(request)
    open_transfer = member.transfers.filter(status=TransferStatus.REQUESTED).select_related("to_org").first()
    form = TransferForm(request.POST or None, member=member)
    if request.method == "POST" and not open_transfer and form.is_valid():
        data = form.cleaned_data
        try:
            services.transfer_request(
                member=member,
                to_org=data["to_org"],
                actor=request.user,
                reason=data["reason"],
                new_employer=data["new_employer"],
                new_employee_no=data["new_employee_no"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("转会申请已提交，等待转入工会接收"))
            return redirect("transfer")
    history = member.transfers.select_related("from_org", "to_org")
    return render(
        request,
        "members/transfer.html",
        {"form": form, "member": member, "open_transfer": open_transfer, "history": history},
    )


@login_required
@require_POST
def transfer_cancel(request, pk: int):
    transfer = own(Transfer.objects, request.user, field="member__user").filter(pk=pk).first()
    if transfer is None:
        raise Http404
    try:
        services.transfer_cancel(transfer=transfer, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("transfer")


# --- staff back office --------------------------------------------------------------------------


@staff_required
def staff_home(request):
    user = request.user
    total, _orgs, _sites = selectors.registration_rates(user=user)
    context = {
        "joins": selectors.join_queue(user=user).count(),
        "transfers": selectors.transfer_queue(user=user).count(),
        "deletions": scope(DeletionRequest.objects.all(), user, field="member__org")
        .filter(status=DeletionStatus.REQUESTED)
        .count(),
        "members": scope(Member.objects.all(), user).filter(status=MemberStatus.ACTIVE).count(),
        "rate": total,
        "missing_years": years_missing_data(),
    }
    return render(request, "staff/home.html", context)


@staff_required
def staff_members(request):
    q = request.GET.get("q", "")[:50]
    group = request.GET.get("group", "")
    qs = selectors.member_search(user=request.user, q=q, group=group if group in ServiceGroup.values else "")
    page = page_of(request, qs.prefetch_related("groups"))
    context = {"page": page, "q": q, "group": group, "groups": ServiceGroup.choices}
    template = "staff/_member_rows.html" if request.htmx else "staff/members.html"
    return render(request, template, context)


@staff_required
def staff_member(request, pk: int):
    member = get_scoped(Member.objects.select_related("org", "site", "user"), request.user, pk=pk)
    copy = get_scoped(Member.objects.select_related("org"), request.user, pk=pk)  # the form's own copy
    form = StaffMemberForm(request.POST or None, instance=copy, prefix="m")
    reveal = RevealForm(prefix="r")
    revealed = None
    if request.method == "POST" and request.POST.get("reveal") in services.REVEALABLE:
        reveal = RevealForm(request.POST, prefix="r")
        if reveal.is_valid():
            field = request.POST["reveal"]
            revealed = {
                field: services.member_reveal(
                    member=member, field=field, actor=request.user, reason=reveal.cleaned_data["reason"]
                )
            }
        form = StaffMemberForm(instance=member, prefix="m")
    elif request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.changed_data}
        try:
            services.member_update(member=member, actor=request.user, changes=data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("staff-member", pk=pk)
    return render(
        request,
        "staff/member.html",
        {
            "member": member,
            "form": form,
            "reveal": reveal,
            "revealed": revealed or {},
            "age_band": age_band(member.birth_date),
            "timeline": timeline_entries(member),
        },
    )


@staff_required
def staff_orgs(request):
    return render(request, "staff/orgs.html", {"orgs": selectors.org_tree(user=request.user)})


@staff_required
def staff_joins(request):
    if request.method == "POST":
        application = get_scoped(
            JoinApplication.objects.select_related("org", "user"),
            request.user,
            pk=int_param(request.POST.get("id")),
        )
        form = NoteForm(request.POST)
        form.is_valid()
        note = form.cleaned_data.get("note", "")
        try:
            if request.POST.get("decision") == "approve":
                joining.join_approve(application=application, actor=request.user, note=note)
                messages.success(request, _("已通过：%(name)s") % {"name": application.name})
            else:
                joining.join_reject(application=application, actor=request.user, note=note)
                messages.success(request, _("已退回：%(name)s") % {"name": application.name})
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("staff-joins")
    return render(request, "staff/joins.html", {"applications": selectors.join_queue(user=request.user)})


@staff_required
def staff_transfers(request):
    if request.method == "POST":
        transfer = (
            scope(Transfer.objects.select_related("member", "to_org"), request.user, field="to_org")
            .filter(pk=int_param(request.POST.get("id")))
            .first()
        )
        if transfer is None:
            raise Http404
        note = request.POST.get("note", "")[:200]
        try:
            if request.POST.get("decision") == "accept":
                services.transfer_accept(transfer=transfer, actor=request.user, note=note)
            else:
                services.transfer_reject(transfer=transfer, actor=request.user, note=note)
            messages.success(request, _("已处理"))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("staff-transfers")
    queue = selectors.transfer_queue(user=request.user)
    incoming_ids = set(
        scope(
            Transfer.objects.filter(pk__in=[t.pk for t in queue]), request.user, field="to_org"
        ).values_list("pk", flat=True)
    )
    return render(request, "staff/transfers.html", {"transfers": queue, "incoming": incoming_ids})


@staff_required
def staff_deletions(request):
    qs = scope(
        DeletionRequest.objects.select_related("member", "member__org"), request.user, field="member__org"
    )
    if request.method == "POST":
        req = qs.filter(pk=int_param(request.POST.get("id"))).first()
        if req is None:
            raise Http404
        note = request.POST.get("note", "")[:200]
        try:
            if request.POST.get("decision") == "approve":
                services.deletion_approve(request=req, actor=request.user, note=note)
            else:
                services.deletion_reject(request=req, actor=request.user, note=note)
            messages.success(request, _("已处理"))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("staff-deletions")
    return render(request, "staff/deletions.html", {"requests": qs.filter(status=DeletionStatus.REQUESTED)})


@staff_required
def staff_roster(request):
    orgs = visible_orgs(request.user).exclude(kind="higher")
    form = RosterUploadForm(request.POST or None, request.FILES or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = roster.roster_import_start(
            org=form.cleaned_data["org"],
            filename=upload.name,
            data=upload.read(),
            actor=request.user,
            site_column=form.cleaned_data["site_column"],
        )
        return redirect("staff-roster-import", pk=job.pk)
    total, by_org, by_site = selectors.registration_rates(user=request.user)
    imports = scope(RosterImport.objects.all(), request.user).defer("content")[:10]
    return render(
        request,
        "staff/roster.html",
        {
            "form": form,
            "total": total,
            "by_org": by_org,
            "by_site": by_site,
            "imports": imports,
            "definition": selectors.REGISTRATION_RATE_DEFINITION,
        },
    )


@staff_required
def staff_roster_import(request, pk: int):
    job = get_scoped(RosterImport.objects.defer("content"), request.user, pk=pk)
    template = "staff/_import_status.html" if request.htmx else "staff/roster_import.html"
    return render(request, template, {"job": job})


@staff_required
def staff_roster_errors(request, pk: int):
    job = get_scoped(RosterImport.objects.defer("content"), request.user, pk=pk)
    response = HttpResponse(roster.error_report(job), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="roster-errors-{job.pk}.xlsx"'
    return response


@staff_required
def staff_roster_export(request):
    org_id = request.GET.get("org")
    orgs = visible_orgs(request.user)
    org = orgs.filter(pk=int_param(org_id)).first() if org_id else orgs.first()
    if org is None:
        raise Http404
    members = within(scope(Member.objects.all(), request.user), org).exclude(status=MemberStatus.ANONYMISED)
    response = HttpResponse(
        roster.export_roster(members=members, actor=request.user, org=org), content_type=XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="roster-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@staff_required
def staff_roster_template(request):
    response = HttpResponse(roster.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="roster-template.xlsx"'
    return response
