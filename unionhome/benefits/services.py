"""Claims (B1, B2); funds are in `funds`, proxy consent in `members.proxy`.

One status model for every claim type:

    draft ─submit→ submitted ─approve→ approved ─deliver→ delivered
      ↑              │  └─reject→ rejected (reason required)
      └── returned ←─┘ (return: more material needed; everything given so far is kept)
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from unionhome.core.audit import log_action
from unionhome.core.bounds import LIFE_MIN, MONEY_MAX, day_error, order_error
from unionhome.core.errors import Conflict, DomainError, Forbidden, NotFound, refuse
from unionhome.core.models import Org, Role
from unionhome.core.notifications import Message, Text, notify, notify_many
from unionhome.core.scoping import (
    STAFF_ROLES,
    above,
    by_rule,
    ensure_role_over,
    has_role_over,
    holders_over,
    within,
)
from unionhome.core.uploads import EVIDENCE_TYPES, check_upload
from unionhome.core.workdays import workdays_after
from unionhome.core.workflow import Workflow
from unionhome.members.audience import audience_includes, clean_audience
from unionhome.members.models import ConsentPurpose, Member, MemberStatus, ProxyConsent
from unionhome.members.proxy import consents_in_force, proxy_check

from .funds import fund_spend, money
from .models import (
    Claim,
    ClaimCategory,
    ClaimFile,
    ClaimStatus,
    ClaimType,
    Delivery,
    FieldKind,
    Fund,
)

CLAIM_FLOW = Workflow(
    "benefits.claim",
    {
        "submit": ({ClaimStatus.DRAFT, ClaimStatus.RETURNED}, ClaimStatus.SUBMITTED),
        "approve": ({ClaimStatus.SUBMITTED}, ClaimStatus.APPROVED),
        "return": ({ClaimStatus.SUBMITTED}, ClaimStatus.RETURNED),
        "reject": ({ClaimStatus.SUBMITTED}, ClaimStatus.REJECTED),
        "deliver": ({ClaimStatus.APPROVED}, ClaimStatus.DELIVERED),
    },
)

APPROVER_ROLES = {"staff": STAFF_ROLES, "chair": frozenset({Role.CHAIR, Role.ADMIN})}
SENSITIVE_KINDS = {"health": ConsentPurpose.HEALTH, "financial": ConsentPurpose.FINANCIAL}
TEXT_MAX = 500


def _next_number(prefix: str, row) -> str:
    return f"{prefix}{timezone.localtime(row.created_at):%Y}{row.pk:06d}"


# -- claim types -------------------------------------------------------------------------------


def _claim_type_rules(*, fields: list[dict], amount_field: str) -> None:
    """What a claim type's form must be: field names unique, kinds known, choices listed, the
    sensitive kinds known, and an amount field that is one of its number fields."""
    errors: dict[str, str] = {}
    names = set()
    for i, f in enumerate(fields):
        name = str(f.get("name") or "").strip()
        if not name or name in names:
            errors["fields"] = _("第 %(n)s 个字段缺少名称或名称重复") % {"n": i + 1}
            break
        names.add(name)
        if f.get("kind") not in FieldKind.values:
            errors["fields"] = _("字段“%(f)s”的类型不正确") % {"f": f.get("label") or name}
            break
        if f["kind"] == FieldKind.CHOICE and not f.get("choices"):
            errors["fields"] = _("选项字段“%(f)s”需要列出选项") % {"f": f.get("label") or name}
            break
        if f.get("sensitive") and f["sensitive"] not in SENSITIVE_KINDS:
            errors["fields"] = _("敏感类型只能是 health 或 financial")
            break
    if amount_field and not any(f["name"] == amount_field and f["kind"] == FieldKind.NUMBER for f in fields):
        errors["amount_field"] = _("金额字段必须是表单里的数字字段")
    refuse(errors)


def claim_type_save(
    *,
    actor,
    org: Org,
    code: str,
    name: str,
    fields: list[dict],
    description: str = "",
    category: str = ClaimCategory.FRONTLINE,
    audience: dict | None = None,
    approver_role: str = "staff",
    deadline_days: int = 5,
    delivery: str = Delivery.ONLINE,
    amount_field: str = "",
    fund: int | None = None,
    active: bool = True,
    ctype: ClaimType | None = None,
) -> ClaimType:
    """Define a claim type, or change one (its code stays what it was); `fund` is the id of a
    fund of the union or one above it."""
    owner = org if ctype is None else ctype.org
    ensure_role_over(actor, owner)
    _claim_type_rules(fields=fields, amount_field=amount_field)
    paid_from = None
    if fund is not None:
        paid_from = above(Fund.objects, owner).filter(pk=fund).first()
        if paid_from is None:
            refuse({"fund": _("请选择本工会的经费")})
    if ctype is None:
        if within(ClaimType.objects, org).filter(org=org, code=code).exists():
            refuse({"code": _("代码已被使用")})
        ctype = ClaimType(org=org, code=code)
    ctype.name, ctype.description, ctype.category, ctype.fields = name, description, category, fields
    ctype.audience = clean_audience(owner, audience)
    ctype.approver_role, ctype.deadline_days, ctype.delivery = approver_role, deadline_days, delivery
    ctype.amount_field, ctype.fund, ctype.active = amount_field, paid_from, active
    ctype.save()
    log_action(ctype, "benefits.claim_type.saved", actor, {"code": ctype.code})
    return ctype


def claim_type_allowed(ctype: ClaimType, member: Member) -> bool:
    """Whether `member` may claim `ctype`: an active type of their union (or above), and in its
    audience (org, site, service group, post, age)."""
    if not ctype.active or member.status != MemberStatus.ACTIVE:
        return False
    return audience_includes(ctype.org, ctype.audience, member_id=member.pk, org_path=member.org.path)


# -- claims ------------------------------------------------------------------------------------


def _parse_value(f: dict, raw) -> tuple[object, str | None]:
    """One field's value and the reason it is wrong, if it is."""
    kind = f["kind"]
    if raw is None or str(raw).strip() == "":
        return None, None
    if kind == FieldKind.TEXT:
        text = str(raw).strip()
        if len(text) > TEXT_MAX:
            return None, _("不超过 %(n)s 字") % {"n": TEXT_MAX}
        return text, None
    if kind == FieldKind.NUMBER:
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            return None, _("请填写数字")
        if not number.is_finite() or number < 0:
            return None, _("请填写不小于 0 的数字")
        cap = f.get("max", MONEY_MAX)
        if cap is None or Decimal(str(cap)) > MONEY_MAX:
            cap = MONEY_MAX
        if cap is not None and number > Decimal(str(cap)):
            return None, _("不能超过 %(max)s") % {"max": cap}
        return format(number.normalize(), "f"), None
    if kind == FieldKind.DATE:
        try:
            day = dt.date.fromisoformat(str(raw).strip())
        except ValueError:
            return None, _("日期格式应为 2026-07-01")
        # A staff-made type may ask for a date of a life (hired, born): 1900 on, not only 2000.
        if reason := day_error(day, earliest=LIFE_MIN):
            return None, reason
        return day.isoformat(), None
    if kind == FieldKind.MONTH:
        try:
            day = dt.date.fromisoformat(f"{str(raw).strip()[:7]}-01")
        except ValueError:
            return None, _("月份格式应为 2026-07")
        if reason := day_error(day):
            return None, reason
        return day.strftime("%Y-%m"), None
    if kind == FieldKind.CHOICE:
        if str(raw) not in [str(c) for c in f.get("choices", [])]:
            return None, _("请从选项中选择")
        return str(raw), None
    return None, None


def _check_values(
    ctype: ClaimType, raw: dict, uploads: dict, *, consents: set[str]
) -> tuple[dict, dict, dict, dict]:
    """(plain values, sensitive values, valid uploads with their types, errors by field). Whether
    required fields are all there is checked on submission, against what the claim then holds."""
    plain: dict = {}
    secret: dict = {}
    good_files: dict = {}
    errors: dict[str, str] = {}
    unknown = set(raw) - {f["name"] for f in ctype.fields if f["kind"] != FieldKind.FILE}
    for name in sorted(unknown):
        errors[name] = _("没有这个字段")
    for f in ctype.fields:
        name = f["name"]
        if f["kind"] == FieldKind.FILE:
            upload = uploads.get(name)
            if upload is None:
                continue
            try:
                good_files[name] = (upload, check_upload(upload, field=name, allowed=EVIDENCE_TYPES))
            except DomainError as exc:
                errors[name] = exc.fields.get(name, exc.message)
            continue
        value, problem = _parse_value(f, raw.get(name))
        if problem:
            errors[name] = problem
            continue
        if value is None:
            continue
        purpose = SENSITIVE_KINDS.get(f.get("sensitive") or "")
        if purpose:
            if purpose not in consents:
                errors[name] = _("填写此项需要您先同意提供%(what)s（在“我的资料与隐私”中授权）") % {
                    "what": ConsentPurpose(purpose).label
                }
                continue
            secret[name] = value
        else:
            plain[name] = value
    return plain, secret, good_files, errors


# A claim type's end date and the start it may not come before, by the names' endings.
DATE_PAIRS = (("ends_on", "starts_on"), ("_until", "_from"))


def _check_date_order(ctype: ClaimType, known: dict, plain: dict, errors: dict) -> None:
    """An end date (`ends_on`, `…_until`) may not come before its start (`starts_on`, `…_from`),
    whether they are sent together or one after the other; a wrong end is not kept."""
    names = {f["name"] for f in ctype.fields if f["kind"] == FieldKind.DATE}
    for end in names:
        for end_suffix, start_suffix in DATE_PAIRS:
            start = end.removesuffix(end_suffix) + start_suffix
            if not end.endswith(end_suffix) or start not in names:
                continue
            if reason := order_error(_iso_day(known.get(start)), _iso_day(known.get(end))):
                errors.setdefault(end, reason)
                plain.pop(end, None)


def _iso_day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def claim_actor_member(*, actor, member: Member | None, proxy: ProxyConsent | None) -> Member:
    """The member a claim is for: the actor themselves, or the member who consented to `proxy`."""
    from unionhome.members.selectors import require_active_member

    if proxy is not None:
        proxy_check(consent=proxy, actor=actor)
        return proxy.member
    own = require_active_member(actor)
    if member is not None and member.pk != own.pk:
        raise DomainError("not_member", _("请先加入工会再申领"), status=403)
    return own


def claim_save(
    *,
    actor,
    ctype: ClaimType | None = None,
    claim: Claim | None = None,
    values: dict,
    files: dict | None = None,
    submit: bool,
    proxy: ProxyConsent | None = None,
    keep_draft_on_error: bool = False,
) -> Claim:
    """Create or update a claim, and submit it when `submit`.

    1. The values are checked field by field; a returned claim or a draft keeps what it already
       had for every field not sent again.
    2. With errors and `keep_draft_on_error` (the pages), the good values and files are saved in
       the draft before the errors are raised, so the member re-types nothing.
    3. Submitting sets the decision deadline in working days and tells the member (and, for a
       proxy filing, says who filed it)."""
    files = files or {}
    if claim is not None:
        ctype = claim.type
        if proxy is None and claim.proxy_id and claim.member.user_id != actor.pk:
            proxy = claim.proxy
        if claim.member.user_id != actor.pk and (proxy is None or proxy.actor_id != actor.pk):
            raise NotFound()
        member = claim_actor_member(actor=actor, member=claim.member, proxy=proxy)
        if member.pk != claim.member_id:
            raise NotFound()
        if claim.status not in (ClaimStatus.DRAFT, ClaimStatus.RETURNED):
            raise Conflict("invalid_transition", _("已提交的申请不能修改"))
    else:
        member = claim_actor_member(actor=actor, member=None, proxy=proxy)
        if ctype is None or not claim_type_allowed(ctype, member):
            raise DomainError("invalid", _("您不能申领此项福利"), fields={"type": _("不在可申领范围内")})
    plain, secret, good_files, errors = _check_values(
        ctype, values, files, consents=consents_in_force(member, proxy)
    )
    _check_date_order(ctype, {**(claim.values if claim is not None else {}), **plain}, plain, errors)
    if submit:
        old_secret = claim_sensitive(claim) if claim is not None else {}
        have = {
            *(claim.values if claim is not None else {}),
            *old_secret,
            *plain,
            *secret,
            *good_files,
            *(claim.files.values_list("field", flat=True) if claim is not None else ()),
        }
        for f in ctype.fields:
            if f.get("required") and f["name"] not in have and f["name"] not in errors:
                errors[f["name"]] = (
                    _("请上传%(what)s") % {"what": f.get("label") or f["name"]}
                    if f["kind"] == FieldKind.FILE
                    else _("必填")
                )
    # Nothing typed and nothing attached is no draft: an empty submit leaves no clutter behind.
    nothing = not plain and not secret and not good_files
    if errors and (not keep_draft_on_error or (claim is None and nothing)):
        raise DomainError("invalid", _("请检查填写的内容"), fields=errors)
    with transaction.atomic():
        if claim is None:
            claim = Claim.objects.create(
                number=f"tmp-{secrets.token_hex(8)}",
                type=ctype,
                member=member,
                org=member.org,
                filed_by=actor,
                proxy=proxy,
            )
            claim.number = _next_number("FL", claim)
            log_action(
                claim,
                "benefits.claim.drafted",
                actor,
                {"proxy": proxy.pk if proxy else None, "note": str(_proxy_note(proxy))},
                timeline=True,
            )
        old_secret = json.loads(claim.sensitive) if claim.sensitive else {}
        claim.values = {**claim.values, **plain}
        merged_secret = {**old_secret, **secret}
        claim.sensitive = json.dumps(merged_secret, ensure_ascii=False) if merged_secret else ""
        if ctype.amount_field:
            raw_amount = {**claim.values, **merged_secret}.get(ctype.amount_field)
            claim.amount = money(raw_amount) if raw_amount is not None else None
        if proxy is not None:
            claim.proxy = proxy
        claim.save()
        if good_files:
            getattr(claim, "_prefetched_objects_cache", {}).pop("files", None)
        for name, (upload, kind) in good_files.items():
            claim.files.filter(field=name).delete()
            ClaimFile.objects.create(
                claim=claim,
                field=name,
                file=upload,
                name=str(getattr(upload, "original_name", None) or name)[:200],
                content_type=kind,
                size=upload.size,
                uploaded_by=actor,
            )
    if errors:
        raise DomainError(
            "invalid", _("请检查填写的内容，已填的内容已保存为草稿"), fields={**errors, "claim": claim.pk}
        )
    if submit:
        due = workdays_after(timezone.localdate(), ctype.deadline_days)
        CLAIM_FLOW.apply(
            claim,
            "submit",
            actor=actor,
            note=str(_proxy_note(proxy)),
            data={"proxy": proxy.pk if proxy else None},
            extra={"submitted_at": timezone.now(), "due_on": due, "staff_note": ""},
        )
        _claim_submitted(claim, proxy)
    return claim


def _proxy_note(proxy: ProxyConsent | None) -> Message | str:
    if proxy is None:
        return ""
    return Message(_l("由 %(who)s 代办（已取得会员同意）"), who=proxy.actor.display_name)


def _claim_submitted(claim: Claim, proxy: ProxyConsent | None) -> None:
    member_user = claim.member.user
    if member_user is not None:
        title = Message(_l("%(type)s已提交，%(due)s 前办理"), type=claim.type.name, due=claim.due_on)
        body = _proxy_note(proxy)
        notify(member_user, title, body, f"/benefits/claims/{claim.pk}/")
    approvers = holders_over(claim.org, APPROVER_ROLES.get(claim.type.approver_role, STAFF_ROLES))
    notify_many(
        approvers.values_list("pk", flat=True),
        Message(_l("新的福利申领：%(type)s"), type=claim.type.name),
        claim.number,
        f"/staff/benefits/claims/{claim.pk}/",
    )


def claim_sensitive(claim: Claim) -> dict:
    return json.loads(claim.sensitive) if claim.sensitive else {}


def mask_value(value: str) -> str:
    """A sensitive value in a list or a page not asked to reveal it: only its last four."""
    text = str(value)
    return "****" + text[-4:] if len(text) > 6 else "****"


def claim_reveal(*, claim: Claim, actor) -> dict:
    """The sensitive values in full, for the member or an approver; every staff reading is logged."""
    if claim.member.user_id != actor.pk:
        ensure_role_over(actor, claim.org)
        log_action(
            claim, "benefits.claim.viewed_sensitive", actor, {"fields": sorted(claim_sensitive(claim))}
        )
    return claim_sensitive(claim)


def can_view_claim(user, claim: Claim) -> bool:
    """The member, staff over the claim's union, and the proxy who filed it while the member's
    consent lasts (not after it expired or the member revoked it)."""
    return (
        claim.member.user_id == user.pk
        or (claim.proxy_id is not None and claim.proxy.actor_id == user.pk and claim.proxy.live)
        or has_role_over(user, claim.org)
    )


def _ensure_approver(actor, claim: Claim) -> None:
    roles = APPROVER_ROLES.get(claim.type.approver_role, STAFF_ROLES)
    ensure_role_over(actor, claim.org)
    if not has_role_over(actor, claim.org, roles):
        raise Forbidden("forbidden", _("此类申领须由%(role)s审批") % {"role": Role(sorted(roles)[0]).label})


def _tell_member(claim: Claim, title: Text, body: Text = "") -> None:
    if claim.member.user_id:
        notify(claim.member.user, title, body, f"/benefits/claims/{claim.pk}/")


def claim_approve(*, claim: Claim, actor, note: str = "", amount: Decimal | None = None) -> Claim:
    """Approve, paying out of the type's fund when the claim carries an amount. The payout and the
    approval are one transaction: an exhausted budget or a missing 一支笔 signature approves
    nothing."""
    _ensure_approver(actor, claim)
    pay = claim.amount if amount is None else money(amount)
    if pay is not None and claim.amount is not None and pay > claim.amount:
        raise DomainError(
            "invalid",
            _("批准金额不能超过申请金额"),
            fields={"amount": _("不能超过 %(a)s 元") % {"a": claim.amount}},
        )
    with transaction.atomic():
        CLAIM_FLOW.apply(
            claim,
            "approve",
            actor=actor,
            note=note,
            extra={
                "decided_at": timezone.now(),
                "decided_by": actor,
                "amount": pay,
                "staff_note": note[:500],
            },
        )
        if claim.type.fund_id and pay:
            fund_spend(
                fund=claim.type.fund,
                amount=pay,
                actor=actor,
                purpose=f"{claim.type.name} {claim.number}",
                member=claim.member,
                claim=claim,
            )
    _tell_member(claim, Message(_l("%(type)s已批准"), type=claim.type.name), note)
    return claim


def claim_return(*, claim: Claim, actor, note: str) -> Claim:
    _ensure_approver(actor, claim)
    note = (note or "").strip()
    if not note:
        raise DomainError("invalid", _("请写明需要补充什么"), fields={"note": _("必填")})
    CLAIM_FLOW.apply(claim, "return", actor=actor, note=note, extra={"staff_note": note[:500]})
    _tell_member(claim, Message(_l("%(type)s需要补充材料"), type=claim.type.name), note)
    return claim


def claim_reject(*, claim: Claim, actor, reason: str) -> Claim:
    _ensure_approver(actor, claim)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("invalid", _("请写明不批准的理由"), fields={"reason": _("必填")})
    CLAIM_FLOW.apply(
        claim,
        "reject",
        actor=actor,
        note=reason,
        extra={"decided_at": timezone.now(), "decided_by": actor, "staff_note": reason[:500]},
    )
    _tell_member(claim, Message(_l("%(type)s未批准"), type=claim.type.name), reason)
    return claim


def claim_deliver(*, claim: Claim, actor, note: str = "") -> Claim:
    ensure_role_over(actor, claim.org)
    CLAIM_FLOW.apply(claim, "deliver", actor=actor, note=note, extra={"delivered_at": timezone.now()})
    _tell_member(claim, Message(_l("%(type)s已发放"), type=claim.type.name), note)
    return claim


def claim_file_for(*, user, file_id: int) -> ClaimFile:
    files = by_rule(ClaimFile.objects, "can_view_claim below: the member, a proxy while consent lasts, staff")
    row = files.select_related("claim__member", "claim__proxy").filter(pk=file_id).first()
    if row is None or not can_view_claim(user, row.claim):
        raise NotFound()
    if row.claim.member.user_id != user.pk:
        log_action(row.claim, "benefits.claim.file_opened", user, {"file": row.pk})
    return row
