"""Pages: benefits, claims and care (hardship self-test, help, visits) for members; proxy filing
for volunteers; the claim queue, claim types, funds, the hardship ledger, visits, service groups
and campaigns for staff."""

from __future__ import annotations

import base64
import binascii
import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from unionhome.core.access import staff_required
from unionhome.core.audit import log_action, timeline_entries, timelines_for
from unionhome.core.errors import DomainError, NotFound
from unionhome.core.forms import add_domain_error
from unionhome.core.models import Role, Site
from unionhome.core.scoping import STAFF_ROLES, get_scoped, has_role_over, holders_over, home_org, scope
from unionhome.core.spreadsheets import xlsx_response
from unionhome.core.uploads import serve
from unionhome.members import proxy as proxies
from unionhome.members.audience import describe_audience
from unionhome.members.models import ServiceGroup
from unionhome.members.selectors import member_of

from . import campaigns, hardship, selectors, services
from .forms import (
    AdvanceForm,
    CampaignForm,
    CaseForm,
    ClaimTypeForm,
    CodeForm,
    DecisionForm,
    DeliverForm,
    FundForm,
    NoticeForm,
    PairingForm,
    ProxyStartForm,
    RatingForm,
    SelfTestForm,
    ServiceItemForm,
    StaffCaseForm,
    VisitPlanForm,
    VisitRecordForm,
    claim_form_class,
    claim_form_values,
    field_lines,
)
from .models import (
    ClaimCategory,
    ClaimStatus,
    ClaimType,
    Fund,
    HardshipCase,
    HardshipStage,
    Pairing,
    ServiceItem,
    Visit,
)


def _tabs(current: str) -> list[tuple[str, str, bool]]:
    return [
        ("/benefits/", _("福利申领"), current == "benefits"),
        ("/care/", _("困难帮扶"), current == "care"),
    ]


def _not_member(request):
    return render(
        request,
        "core/error.html",
        {"title": _("请先入会"), "message": _("加入工会后就可以在这里申领福利。")},
        status=403,
    )


# -- members: benefits and claims ----------------------------------------------------------------


@login_required
def benefits(request):
    member = member_of(request.user)
    if member is None:
        return _not_member(request)
    types = selectors.claim_types_for(request.user, member)
    grouped = [(label, [t for t in types if t.category == code]) for code, label in ClaimCategory.choices]
    return render(
        request,
        "benefits/home.html",
        {
            "tabs": _tabs("benefits"),
            "groups": [(label, rows) for label, rows in grouped if rows],
            "claims": selectors.my_claims(request.user)[:50],
            "entitlements": campaigns.entitlements_for(member),
            "service_items": [
                (label, [(i, selectors.item_link(i)) for i in items])
                for label, items in campaigns.items_for_member(member)
            ],
            "proxies": proxies.proxy_consents_of(member)[:20],
        },
    )


@login_required
@require_POST
def proxy_revoke(request, pk: int):
    """The member's 撤销 beside a proxy consent on their benefits page."""
    member = member_of(request.user)
    consent = proxies.proxy_consents_of(member).filter(pk=pk).first() if member else None
    if consent is None:
        raise NotFound()
    proxies.proxy_revoke(consent=consent, member=member, actor=request.user)
    messages.success(request, _("已撤销代办授权"))
    return redirect("/benefits/#proxy")


def _proxy_from(request):
    """The proxy consent a volunteer's form carries (`proxy`), if any; 404 if not theirs."""
    raw = request.POST.get("proxy") or request.GET.get("proxy")
    if not raw:
        return None
    try:
        return proxies.proxy_for(actor=request.user, consent_id=int(raw))
    except ValueError as exc:
        raise NotFound() from exc


def _claim_form(request, ctype, claim=None):
    form_class = claim_form_class(ctype)
    initial = {**(claim.values if claim else {})}
    if request.method == "POST":
        return form_class(request.POST, request.FILES)
    return form_class(initial=initial)


def _save_claim(request, form, *, ctype=None, claim=None, proxy=None):
    """Save (and submit when asked). On errors the good part is kept as a draft and the member
    is taken to it, with the reasons next to the fields."""
    values, files = claim_form_values(form)
    submit = request.POST.get("action") != "draft"
    try:
        saved = services.claim_save(
            actor=request.user,
            ctype=ctype,
            claim=claim,
            values=values,
            files=files,
            submit=submit,
            proxy=proxy,
            keep_draft_on_error=True,
        )
    except DomainError as exc:
        draft_id = exc.fields.pop("claim", None)
        add_domain_error(form, exc)
        return None, draft_id
    return saved, None


@login_required
def claim_new(request, code: str):
    proxy = _proxy_from(request)
    member = proxy.member if proxy else member_of(request.user)
    if member is None:
        return _not_member(request)
    ctype = next((t for t in selectors.claim_types_for(request.user, member) if t.code == code), None)
    if ctype is None:
        raise NotFound()
    form = _claim_form(request, ctype)
    draft_id = None
    if request.method == "POST":
        saved, draft_id = _save_claim(request, form, ctype=ctype, proxy=proxy)
        if saved is not None:
            _claim_message(request, saved)
            return redirect("benefit-claim", saved.pk)
    return render(
        request,
        "benefits/claim_form.html",
        {"ctype": ctype, "form": form, "proxy": proxy, "member": member, "draft_id": draft_id, "claim": None},
    )


def _claim_message(request, claim):
    if claim.status == ClaimStatus.SUBMITTED:
        messages.success(
            request,
            _("已提交，编号 %(n)s，%(d)s 前办理。进展会发到“我的消息”。")
            % {"n": claim.number, "d": claim.due_on},
        )
    else:
        messages.success(request, _("草稿已保存"))


@login_required
def claim_page(request, pk: int):
    claim = selectors.claim_get(request.user, pk)
    if (
        has_role_over(request.user, claim.org)
        and claim.member.user_id != request.user.pk
        and not claim.proxy_id
    ):
        return redirect("staff-benefit-claim", pk)
    editable = claim.status in (ClaimStatus.DRAFT, ClaimStatus.RETURNED)
    form = None
    if editable:
        form = _claim_form(request, claim.type, claim)
        if request.method == "POST":
            saved, _draft = _save_claim(request, form, claim=claim)
            if saved is not None:
                _claim_message(request, saved)
                return redirect("benefit-claim", pk)
            claim.refresh_from_db()
    secret = services.claim_sensitive(claim)
    own = claim.member.user_id == request.user.pk
    return render(
        request,
        "benefits/claim.html",
        {
            "claim": claim,
            "form": form,
            "rows": _claim_rows(claim, secret, reveal=own),
            "files": list(claim.files.all()),
            "timeline": timeline_entries(claim),
            "proxy": claim.proxy if claim.proxy_id and not own else None,
        },
    )


def _claim_rows(claim, secret: dict, *, reveal: bool) -> list[tuple[str, str, bool]]:
    """(label, value, is_sensitive) in the type's field order."""
    rows = []
    for f in claim.type.fields:
        name = f["name"]
        if name in claim.values:
            rows.append((f.get("label") or name, claim.values[name], False))
        elif name in secret:
            rows.append(
                (f.get("label") or name, secret[name] if reveal else services.mask_value(secret[name]), True)
            )
    return rows


@login_required
def claim_file(request, pk: int):
    row = services.claim_file_for(user=request.user, file_id=pk)
    return serve(row.file, label=row.name)


# -- members: care ---------------------------------------------------------------------------------


@login_required
def care(request):
    member = member_of(request.user)
    test_form = SelfTestForm(request.POST if request.POST.get("form") == "test" else None)
    case_form = CaseForm(request.POST if request.POST.get("form") == "case" else None)
    result = None
    if test_form.is_bound and test_form.is_valid():
        data = test_form.cleaned_data
        level, why = hardship.self_test(
            household_size=data["household_size"],
            annual_income=data["annual_income"],
            unavoidable_costs=data.get("unavoidable_costs") or 0,
            thresholds=hardship.policy_for(member.org if member else None),
        )
        result = {"level": level, "why": why}
    if case_form.is_bound and case_form.is_valid():
        if member is None:
            return _not_member(request)
        try:
            case = hardship.hardship_case_open(
                actor=request.user,
                kind=case_form.cleaned_data["kind"],
                summary=case_form.cleaned_data["summary"],
                urgent=case_form.cleaned_data["urgent"],
                details=case_form.details(),
            )
        except DomainError as exc:
            add_domain_error(case_form, exc)
        else:
            messages.success(request, _("已受理，编号 %(n)s。工会会尽快联系您。") % {"n": case.number})
            return redirect("care")
    org = selectors.public_org(request.user)
    visits = (
        Visit.objects.filter(member=member, visited_on__isnull=False, rating__isnull=True) if member else []
    )
    return render(
        request,
        "benefits/care.html",
        {
            "tabs": _tabs("care"),
            "test_form": test_form,
            "case_form": case_form,
            "result": result,
            "line": hardship.policy_for(member.org if member else None).min_living_monthly,
            "cases": _with_timelines(selectors.my_cases(request.user)),
            "notices": hardship.notices_for(member),
            "summary": hardship.visit_summary(org) if org else None,
            "to_rate": [(v, RatingForm(prefix=f"v{v.pk}")) for v in visits],
        },
    )


def _with_timelines(rows) -> list[tuple]:
    rows = list(rows)
    timelines = timelines_for(rows)
    return [(row, timelines[str(row.pk)]) for row in rows]


@login_required
@require_POST
def visit_rate(request, pk: int):
    visit = selectors.visit_for(request.user, pk)
    form = RatingForm(request.POST, prefix=f"v{pk}")
    if form.is_valid():
        try:
            hardship.visit_evaluate(visit=visit, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("谢谢您的评价"))
    else:
        messages.error(request, _("请先打分"))
    return redirect("care")


# -- volunteers: proxy ---------------------------------------------------------------------------


def _proxy_allowed(user) -> bool:
    from unionhome.core.scoping import role_paths

    return bool(role_paths(user, proxies.PROXY_ROLES)) or user.is_superuser


@login_required
def proxy(request):
    """代办: find the member, take their consent (signature or code), then file for them."""
    if not _proxy_allowed(request.user):
        return render(
            request,
            "core/error.html",
            {"title": _("无权访问"), "message": _("只有志愿者和工会工作人员可以代办。")},
            status=403,
        )
    form = ProxyStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = proxies.proxy_find_member(actor=request.user, query=form.cleaned_data["member"])
            if form.cleaned_data["method"] == "signature":
                png = _data_url_png(form.cleaned_data.get("signature") or "")
                consent = proxies.proxy_sign(
                    actor=request.user, member=member, png=png, purposes=form.purposes()
                )
                messages.success(request, _("已记录会员签名同意"))
            else:
                consent, _code = proxies.proxy_request_code(
                    actor=request.user, member=member, purposes=form.purposes()
                )
                messages.info(request, _("验证码已发到会员的“我的消息”和手机"))
            return redirect("proxy-consent", consent.pk)
        except DomainError as exc:
            add_domain_error(form, exc, field_map={"signature": "method", "purposes": "health"})
    return render(
        request,
        "benefits/proxy.html",
        {"form": form, "filed": selectors.claims_filed_by(request.user)[:30]},
    )


def _data_url_png(value: str) -> bytes:
    prefix = "data:image/png;base64,"
    if not value.startswith(prefix):
        return b""
    try:
        return base64.b64decode(value[len(prefix) :], validate=True)
    except (binascii.Error, ValueError):
        return b""


@login_required
def proxy_consent(request, pk: int):
    consent = proxies.pending_proxy(request.user, pk)
    form = None
    if consent.granted_at is None:
        form = CodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                proxies.proxy_confirm_code(
                    consent=consent, actor=request.user, code=form.cleaned_data["code"]
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("会员已同意"))
                return redirect("proxy-consent", pk)
    valid = consent.granted_at is not None and consent.expires_at > timezone.now()
    return render(
        request,
        "benefits/proxy_consent.html",
        {
            "consent": consent,
            "form": form,
            "valid": valid,
            "types": selectors.claim_types_for(request.user, consent.member) if valid else [],
            "minutes": proxies.proxy_minutes_left(consent),
        },
    )


# -- staff: claims -------------------------------------------------------------------------------


@staff_required
def staff_claims(request):
    status = request.GET.get("status", ClaimStatus.SUBMITTED)
    if status not in ClaimStatus.values:
        status = ""
    rows = selectors.staff_claims(request.user, status=status)[:200]
    to_sign = (
        [
            c
            for c in rows
            if c.type.fund_id
            and c.status == ClaimStatus.SUBMITTED
            and c.amount is not None
            and c.type.fund.sign_threshold is not None
            and c.amount > c.type.fund.sign_threshold
        ]
        if status == ClaimStatus.SUBMITTED
        else []
    )
    return render(
        request,
        "benefits/staff/claims.html",
        {
            "claims": rows,
            "status": status,
            "statuses": [(s, label) for s, label in ClaimStatus.choices if s != ClaimStatus.DRAFT],
            "to_sign": to_sign,
            "today": timezone.localdate(),
        },
    )


@staff_required
def staff_claim(request, pk: int):
    claim = selectors.staff_claim(request.user, pk)
    reveal = request.method == "POST" and request.POST.get("action") == "reveal"
    form = DecisionForm(request.POST or None) if request.method == "POST" and not reveal else DecisionForm()
    if request.method == "POST" and not reveal and form.is_valid():
        action = request.POST.get("action")
        note = form.cleaned_data["note"]
        try:
            if action == "approve":
                services.claim_approve(
                    claim=claim, actor=request.user, note=note, amount=form.cleaned_data["amount"]
                )
            elif action == "return":
                services.claim_return(claim=claim, actor=request.user, note=note)
            elif action == "reject":
                services.claim_reject(claim=claim, actor=request.user, reason=note)
            elif action == "deliver":
                services.claim_deliver(claim=claim, actor=request.user, note=note)
            else:
                raise NotFound()
        except DomainError as exc:
            add_domain_error(form, exc, field_map={"reason": "note"})
        else:
            messages.success(request, _("已处理：%(s)s") % {"s": ClaimStatus(claim.status).label})
            return redirect("staff-benefit-claim", pk)
    secret = (
        services.claim_reveal(claim=claim, actor=request.user) if reveal else services.claim_sensitive(claim)
    )
    return render(
        request,
        "benefits/staff/claim.html",
        {
            "claim": claim,
            "form": form,
            "rows": _claim_rows(claim, secret, reveal=reveal),
            "has_secret": bool(secret),
            "revealed": reveal,
            "files": list(claim.files.all()),
            "timeline": timeline_entries(claim),
            "fund": claim.type.fund,
        },
    )


@staff_required
def staff_types(request):
    return render(
        request,
        "benefits/staff/types.html",
        {"types": scope(ClaimType.objects.select_related("org", "fund"), request.user)},
    )


def _funds_for(request):
    org = home_org(request.user)
    return Fund.objects.filter(org__path__in=org.ancestor_paths()) if org else Fund.objects.none()


def _sites(request):
    org = home_org(request.user)
    return Site.objects.filter(org__path__startswith=org.path) if org else Site.objects.none()


# The claim-type columns the editor shows as plain form fields.
TYPE_FIELDS = (
    "name",
    "code",
    "description",
    "category",
    "amount_field",
    "approver_role",
    "deadline_days",
    "delivery",
    "active",
)


@staff_required
def staff_type(request, pk: int | None = None):
    ctype = get_scoped(ClaimType.objects.select_related("org"), request.user, pk=pk) if pk else None
    initial = {"deadline_days": 5, "active": True, "approver_role": "staff"}
    if ctype is not None:
        initial = {
            **{k: getattr(ctype, k) for k in TYPE_FIELDS},
            "fund": ctype.fund_id or "",
            "fields_text": field_lines(ctype.fields),
            **{k: v for k, v in ctype.audience.items()},
        }
    form = ClaimTypeForm(
        request.POST or None, initial=initial, funds=_funds_for(request), sites=_sites(request)
    )
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in TYPE_FIELDS}
        data |= {"fields": form.cleaned_data["fields_text"], "audience": form.audience()}
        data["fund"] = int(form.cleaned_data["fund"]) if form.cleaned_data["fund"] else None
        if ctype is not None:
            data["code"] = ctype.code
        try:
            saved = services.claim_type_save(
                actor=request.user, org=ctype.org if ctype else home_org(request.user), data=data, ctype=ctype
            )
        except DomainError as exc:
            add_domain_error(form, exc, field_map={"fields": "fields_text", "sites": "sites"})
        else:
            messages.success(request, _("已保存：%(n)s") % {"n": saved.name})
            return redirect("staff-benefit-types")
    return render(request, "benefits/staff/type.html", {"form": form, "ctype": ctype})


# -- staff: funds ---------------------------------------------------------------------------------


def _signers(request):
    org = home_org(request.user)
    return holders_over(org, STAFF_ROLES) if org else get_user_model().objects.none()


@staff_required
def staff_funds(request):
    form = FundForm(
        request.POST or None, initial={"year": timezone.localdate().year}, signers=_signers(request)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["signer"] = (
            get_user_model().objects.filter(pk=data["signer"]).first() if data["signer"] else None
        )
        try:
            services.fund_save(actor=request.user, org=home_org(request.user), data=data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("经费已保存"))
            return redirect("staff-funds")
    return render(
        request, "benefits/staff/funds.html", {"funds": services.funds_for(request.user), "form": form}
    )


@staff_required
def staff_fund(request, pk: int):
    fund = get_scoped(Fund.objects.select_related("org", "signer"), request.user, pk=pk)
    return render(
        request,
        "benefits/staff/fund.html",
        {"fund": fund, "rows": services.ledger_rows(fund), "columns": services.LEDGER_COLUMNS},
    )


@staff_required
def staff_fund_xlsx(request, pk: int):
    fund = get_scoped(Fund.objects.select_related("org"), request.user, pk=pk)
    response = xlsx_response(
        f"ledger-{fund.year}-{fund.pk}.xlsx",
        _("经费台账"),
        [_(c) for c in services.LEDGER_COLUMNS],
        services.ledger_rows(fund),
    )
    log_action(fund, "benefits.fund.exported", request.user)
    return response


# -- staff: hardship ----------------------------------------------------------------------------


@staff_required
def staff_hardship(request):
    form = StaffCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = proxies.proxy_find_member(actor=request.user, query=form.cleaned_data["member"])
            case = hardship.hardship_case_open(
                actor=request.user,
                member=member,
                kind=form.cleaned_data["kind"],
                summary=form.cleaned_data["summary"],
                urgent=form.cleaned_data["urgent"],
                details=form.details(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已登记 %(n)s") % {"n": case.number})
            return redirect("staff-hardship-case", case.pk)
    stage = request.GET.get("stage", "")
    overdue = request.GET.get("overdue") == "1"
    return render(
        request,
        "benefits/staff/hardship.html",
        {
            "cases": hardship.cases_for(request.user, stage=stage, overdue=overdue)[:200],
            "stage": stage,
            "overdue": overdue,
            "stages": HardshipStage.choices,
            "form": form,
            "today": timezone.localdate(),
        },
    )


@staff_required
def staff_case(request, pk: int):
    case = get_scoped(
        HardshipCase.objects.select_related("member__user", "org", "owner", "fund"), request.user, pk=pk
    )
    owners = holders_over(case.org, {*STAFF_ROLES, Role.HANDLER})
    funds = Fund.objects.filter(org__path__in=case.org.ancestor_paths())
    action = request.POST.get("action") if request.method == "POST" else None
    advance = AdvanceForm(
        request.POST if action == "advance" else None,
        request.FILES if action == "advance" else None,
        stage=case.stage,
        owners=owners,
        funds=funds,
    )
    notice_form = NoticeForm(
        request.POST if action == "notice" else None,
        initial={"until": timezone.localdate() + dt.timedelta(days=7)},
    )
    details = None
    if action == "advance" and advance.is_valid():
        data = advance.cleaned_data
        try:
            hardship.case_advance(
                case=case,
                actor=request.user,
                note=data["note"],
                attachment=data.get("attachment"),
                owner=owners.filter(pk=data["owner"]).first() if data.get("owner") else None,
                level=data.get("level") or None,
                amount=data.get("amount"),
                fund=funds.filter(pk=data["fund"]).first() if data.get("fund") else None,
            )
        except DomainError as exc:
            add_domain_error(advance, exc)
        else:
            messages.success(request, _("已进入：%(s)s") % {"s": case.get_stage_display()})
            return redirect("staff-hardship-case", pk)
    elif action == "notice" and notice_form.is_valid():
        try:
            hardship.notice_publish(case=case, actor=request.user, until=notice_form.cleaned_data["until"])
        except DomainError as exc:
            add_domain_error(notice_form, exc)
        else:
            messages.success(request, _("已公示"))
            return redirect("staff-hardship-case", pk)
    elif action == "reveal":
        details = hardship.case_details(case=case, actor=request.user)
    return render(
        request,
        "benefits/staff/case.html",
        {
            "case": case,
            "steps": case.steps.select_related("owner", "done_by"),
            "advance": advance if case.stage != HardshipStage.CLOSED else None,
            "notice_form": notice_form,
            "notice": getattr(case, "notice", None),
            "details": details,
            "has_details": bool(case.details),
            "timeline": timeline_entries(case),
            "today": timezone.localdate(),
        },
    )


@staff_required
def staff_case_file(request, pk: int):
    from .models import HardshipStep

    step = HardshipStep.objects.select_related("case__org").filter(pk=pk).exclude(attachment="").first()
    if step is None or not has_role_over(request.user, step.case.org):
        raise NotFound()
    log_action(step.case, "benefits.hardship.file_opened", request.user, {"step": step.pk})
    return serve(step.attachment, label=_("核查授权书"))


# -- staff: pairing and visits ----------------------------------------------------------------------


@staff_required
def staff_visits(request):
    org = home_org(request.user)
    cadres = holders_over(org, {*STAFF_ROLES, Role.VOLUNTEER}) if org else get_user_model().objects.none()
    action = request.POST.get("action") if request.method == "POST" else None
    pair_form = PairingForm(request.POST if action == "pair" else None, cadres=cadres)
    plan_form = VisitPlanForm(request.POST if action == "plan" else None)
    try:
        if action == "pair" and pair_form.is_valid():
            member = proxies.proxy_find_member(actor=request.user, query=pair_form.cleaned_data["member"])
            hardship.pairing_create(
                actor=request.user,
                cadre=cadres.get(pk=pair_form.cleaned_data["cadre"]),
                member=member,
                plan=pair_form.cleaned_data["plan"],
            )
            messages.success(request, _("已结对"))
            return redirect("staff-visits")
        if action == "plan" and plan_form.is_valid():
            member = proxies.proxy_find_member(actor=request.user, query=plan_form.cleaned_data["member"])
            pairing = Pairing.objects.filter(member=member, ended_on__isnull=True).first()
            hardship.visit_plan(
                actor=request.user,
                member=member,
                planned_on=plan_form.cleaned_data["planned_on"],
                kind=plan_form.cleaned_data["kind"],
                pairing=pairing,
                visitor=pairing.cadre if pairing else None,
            )
            messages.success(request, _("走访已安排"))
            return redirect("staff-visits")
    except DomainError as exc:
        add_domain_error(pair_form if action == "pair" else plan_form, exc)
    visits = scope(Visit.objects.select_related("member", "visitor"), request.user)
    return render(
        request,
        "benefits/staff/visits.html",
        {
            "pair_form": pair_form,
            "plan_form": plan_form,
            "pairings": scope(Pairing.objects.select_related("member", "cadre"), request.user).filter(
                ended_on__isnull=True
            ),
            "planned": visits.filter(visited_on__isnull=True).order_by("planned_on")[:100],
            "done": visits.filter(visited_on__isnull=False)[:50],
            "summary": hardship.visit_summary(org) if org else None,
        },
    )


@staff_required
def staff_visit(request, pk: int):
    visit = get_scoped(Visit.objects.select_related("member", "visitor"), request.user, pk=pk)
    form = VisitRecordForm(
        request.POST or None,
        initial={
            "visited_on": visit.visited_on or timezone.localdate(),
            "record": visit.record,
            "gifts": visit.gifts,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            hardship.visit_record(visit=visit, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("走访记录已保存"))
            return redirect("staff-visits")
    return render(request, "benefits/staff/visit.html", {"visit": visit, "form": form})


# -- staff: service groups -------------------------------------------------------------------------


@staff_required
def staff_groups(request):
    org = home_org(request.user)
    form = ServiceItemForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST" and request.POST.get("action") == "defaults" and org:
        made = campaigns.service_items_default(org=org)
        messages.success(request, _("已载入 %(n)s 个默认服务项目") % {"n": made})
        return redirect("staff-groups")
    if form.is_bound and form.is_valid() and org:
        try:
            campaigns.service_item_save(actor=request.user, org=org, data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("服务项目已添加"))
            return redirect("staff-groups")
    items = scope(ServiceItem.objects.all(), request.user)
    return render(
        request,
        "benefits/staff/groups.html",
        {
            "groups": [
                (code, label, count, [i for i in items if i.group == code])
                for code, label, count in campaigns.group_counts(request.user)
            ],
            "form": form,
        },
    )


@staff_required
def staff_group(request, group: str):
    if group not in ServiceGroup.values:
        raise NotFound()
    return render(
        request,
        "benefits/staff/group.html",
        {
            "label": ServiceGroup(group).label,
            "members": campaigns.group_members(actor=request.user, group=group)[:500],
        },
    )


# -- staff: campaigns -----------------------------------------------------------------------------


@staff_required
def staff_campaigns(request):
    form = CampaignForm(request.POST or None, sites=_sites(request))
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("name", "kind", "items", "value", "starts_on", "ends_on")}
        data["audience"] = form.audience()
        try:
            campaign = campaigns.campaign_save(actor=request.user, org=home_org(request.user), data=data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已创建，确认对象后发布"))
            return redirect("staff-campaign", campaign.pk)
    return render(
        request,
        "benefits/staff/campaigns.html",
        {"campaigns": campaigns.campaigns_for(request.user), "form": form},
    )


@staff_required
def staff_campaign(request, pk: int):
    campaign = campaigns.campaign_get(user=request.user, pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    deliver_form = DeliverForm(request.POST if action == "deliver" else None)
    try:
        if action == "launch":
            campaigns.campaign_launch(campaign=campaign, actor=request.user)
            messages.success(request, _("已发布，正在生成名单"))
            return redirect("staff-campaign", pk)
        if action == "deliver" and deliver_form.is_valid():
            row = campaigns.entitlement_deliver_by_member(
                actor=request.user, campaign=campaign, query=deliver_form.cleaned_data["member"]
            )
            messages.success(request, _("已发放给 %(name)s") % {"name": row.member.name})
            return redirect("staff-campaign", pk)
        if action == "deliver_site":
            raw = request.POST.get("site") or ""
            count = campaigns.entitlements_deliver_site(
                actor=request.user, campaign=campaign, site_id=int(raw) if raw.isdigit() else None
            )
            messages.success(request, _("已登记 %(n)s 人领取") % {"n": count})
            return redirect("staff-campaign", pk)
    except DomainError as exc:
        if action == "deliver":
            add_domain_error(deliver_form, exc)
        else:
            messages.error(request, exc.message)
    return render(
        request,
        "benefits/staff/campaign.html",
        {
            "campaign": campaign,
            "audience": describe_audience(campaign.audience),
            "audience_count": campaigns.campaign_members(campaign).count()
            if campaign.status == "draft"
            else None,
            "progress": campaigns.campaign_progress(campaign),
            "deliver_form": deliver_form,
        },
    )
