"""Claims (B1, B2): the member's benefits page and claim forms, and staff's claim queue and claim types."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from unionhome.core.access import staff_required
from unionhome.core.audit import timeline_entries
from unionhome.core.errors import DomainError, NotFound
from unionhome.core.forms import add_domain_error, int_param
from unionhome.core.paging import page_of
from unionhome.core.scoping import above, get_scoped, has_role_over, home_org, scope
from unionhome.core.stepper import steps
from unionhome.core.uploads import serve
from unionhome.members import proxy as proxies
from unionhome.members.selectors import member_of

from .. import campaigns, selectors, services
from ..forms import (
    ClaimFieldFormSet,
    ClaimTypeForm,
    DecisionForm,
    claim_form_class,
    claim_form_values,
    field_rows,
)
from ..models import (
    ClaimCategory,
    ClaimStatus,
    ClaimType,
    Fund,
)
from .common import not_member, staff_sites, tabs

# -- members: benefits and claims ----------------------------------------------------------------


@login_required
def benefits(request):
    member = member_of(request.user)
    if member is None:
        return not_member(request)
    types = selectors.claim_types_for(request.user, member)
    grouped = [(label, [t for t in types if t.category == code]) for code, label in ClaimCategory.choices]
    return render(
        request,
        "benefits/home.html",
        {
            "tabs": tabs("benefits"),
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
        return not_member(request)
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


CLAIM_STEPS = [_l("填写"), _l("提交"), _l("审核"), _l("批准"), _l("发放")]
CLAIM_REACHED = {
    ClaimStatus.DRAFT: 0,
    ClaimStatus.RETURNED: 1,
    ClaimStatus.SUBMITTED: 2,
    ClaimStatus.REJECTED: 3,
    ClaimStatus.APPROVED: 4,
    ClaimStatus.DELIVERED: 5,
}


def claim_steps(claim) -> list:
    """Where a claim stands; returned for more material, the 提交 step says so; refused, 批准."""
    ended = {ClaimStatus.RETURNED: _("补充材料"), ClaimStatus.REJECTED: _("未批准")}.get(claim.status)
    return steps(CLAIM_STEPS, CLAIM_REACHED[claim.status], ended=ended)


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
            "steps": claim_steps(claim),
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


# -- staff: claims -------------------------------------------------------------------------------


@staff_required
def staff_claims(request):
    status = request.GET.get("status", ClaimStatus.SUBMITTED)
    if status not in ClaimStatus.values:
        status = ""
    q = request.GET.get("q", "")[:50]
    claims = selectors.staff_claims(request.user, status=status, q=q)
    to_sign = selectors.claims_to_sign(claims) if status == ClaimStatus.SUBMITTED else claims.none()
    return render(
        request,
        "benefits/staff/claims.html",
        {
            "page": page_of(request, claims),
            "to_sign": list(to_sign[:50]),
            "q": q,
            "search_keep": [("status", status)],
            "status": status,
            "statuses": [(s, label) for s, label in ClaimStatus.choices if s != ClaimStatus.DRAFT],
            "today": timezone.localdate(),
        },
    )


@staff_required
def staff_claim(request, pk: int):
    claim = selectors.staff_claim(request.user, pk)
    reveal = request.method == "POST" and request.POST.get("action") == "reveal"
    form = DecisionForm(request.POST or None) if request.method == "POST" and not reveal else DecisionForm()
    if not claim.type.amount_field:  # 劳保用品 and the like have no amount to approve
        del form.fields["amount"]
    if request.method == "POST" and not reveal and form.is_valid():
        action = request.POST.get("action")
        note = form.cleaned_data["note"]
        try:
            if action == "approve":
                services.claim_approve(
                    claim=claim, actor=request.user, note=note, amount=form.cleaned_data.get("amount")
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
            # 下一条: the next claim waiting in the queue, so a run of decisions needs no list.
            following = (
                selectors.staff_claims(request.user, status=ClaimStatus.SUBMITTED).exclude(pk=pk).first()
                if action in ("approve", "return", "reject")
                else None
            )
            if following is not None:
                messages.info(request, _("这是下一条待审核的申领"))
                return redirect("staff-benefit-claim", following.pk)
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
    return above(Fund.objects, home_org(request.user))


# The claim-type columns the editor shows as plain form fields.
TYPE_FIELDS = (
    "name",
    "code",
    "description",
    "category",
    "approver_role",
    "deadline_days",
    "delivery",
    "active",
)


@staff_required
def staff_type(request, pk: int | None = None):
    """A claim type and its form, built question by question (no syntax to learn)."""
    ctype = get_scoped(ClaimType.objects.select_related("org"), request.user, pk=pk) if pk else None
    initial = {"deadline_days": 5, "active": True, "approver_role": "staff"}
    rows = []
    if ctype is not None:
        initial = {
            **{k: getattr(ctype, k) for k in TYPE_FIELDS},
            "fund": ctype.fund_id or "",
            **{k: v for k, v in ctype.audience.items()},
        }
        rows = field_rows(ctype.fields, ctype.amount_field)
    data = request.POST.copy() if request.method == "POST" else None
    more = data is not None and data.get("action") == "more"
    if more:  # 再加两行: the same form again with two more empty questions, nothing saved
        data["f-TOTAL_FORMS"] = str(min(int_param(data.get("f-TOTAL_FORMS")), 28) + 2)
    form = ClaimTypeForm(data, initial=initial, funds=_funds_for(request), sites=staff_sites(request))
    questions = ClaimFieldFormSet(data, initial=rows, prefix="f")
    if data is not None and not more and form.is_valid() and questions.is_valid():
        fields, amount_field = questions.fields_and_amount()
        try:
            saved = services.claim_type_save(
                actor=request.user,
                org=ctype.org if ctype else home_org(request.user),
                ctype=ctype,
                fields=fields,
                amount_field=amount_field,
                **form.values(),
            )
        except DomainError as exc:
            message = exc.fields.pop("fields", None) or exc.fields.pop("amount_field", None)
            add_domain_error(form, exc, field_map={"sites": "sites"})
            if message:
                form.add_error(None, message)
        else:
            messages.success(request, _("已保存：%(n)s") % {"n": saved.name})
            return redirect("staff-benefit-types")
    status = 400 if data is not None and not more and (form.errors or questions.errors) else 200
    return render(
        request,
        "benefits/staff/type.html",
        {"form": form, "questions": questions, "ctype": ctype},
        status=status,
    )
