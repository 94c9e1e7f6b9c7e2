"""Claims (B1, B2), funds with 一支笔 sign-off (B7) and proxy consent (B8).

One status model for every claim type:

    draft ─submit→ submitted ─approve→ approved ─deliver→ delivered
      ↑              │  └─reject→ rejected (reason required)
      └── returned ←─┘ (return: more material needed; everything given so far is kept)
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import secrets
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from unionhome.core import throttle
from unionhome.core.audit import log_action
from unionhome.core.bounds import LIFE_MIN, MONEY_MAX, YEAR_MAX, YEAR_MIN, day_error, money_error, order_error
from unionhome.core.crypto import digest, mask_name
from unionhome.core.errors import Conflict, DomainError, Forbidden, NotFound
from unionhome.core.images import ink_error
from unionhome.core.models import Org, Role
from unionhome.core.notifications import Message, Text, notify, notify_many
from unionhome.core.scoping import STAFF_ROLES, ensure_role_over, has_role_over, holders_over, scope
from unionhome.core.uploads import EVIDENCE_TYPES, check_upload, sniff
from unionhome.core.workdays import workdays_after
from unionhome.core.workflow import Workflow
from unionhome.members.audience import audience_includes, clean_audience
from unionhome.members.models import ConsentPurpose, Member, MemberStatus
from unionhome.members.services import consent_current

from .models import (
    Claim,
    ClaimFile,
    ClaimStatus,
    ClaimType,
    ConsentMethod,
    FieldKind,
    Fund,
    FundEntry,
    ProxyConsent,
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

# Who may act for a member (代办): volunteers and union staff over the member's union.
PROXY_ROLES = frozenset({Role.VOLUNTEER, *STAFF_ROLES})
APPROVER_ROLES = {"staff": STAFF_ROLES, "chair": frozenset({Role.CHAIR, Role.ADMIN})}
SENSITIVE_KINDS = {"health": ConsentPurpose.HEALTH, "financial": ConsentPurpose.FINANCIAL}
TEXT_MAX = 500
PROXY_CODE_MINUTES = 15
PROXY_VALID_HOURS = 24
PROXY_MAX_ATTEMPTS = 5
PROXY_CODES_PER_MEMBER = 5  # an hour
PROXY_CODES_PER_ACTOR = 30


def money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _next_number(prefix: str, row) -> str:
    return f"{prefix}{timezone.localtime(row.created_at):%Y}{row.pk:06d}"


# -- claim types -------------------------------------------------------------------------------


def claim_type_clean(*, org: Org, data: dict) -> dict:
    """Check a staff-defined claim type: field names unique, kinds known, caps numbers, an amount
    field that is a number field, an approver role that exists."""
    errors: dict[str, str] = {}
    fields = data.get("fields") or []
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
    amount_field = data.get("amount_field") or ""
    if amount_field and not any(f["name"] == amount_field and f["kind"] == FieldKind.NUMBER for f in fields):
        errors["amount_field"] = _("金额字段必须是表单里的数字字段")
    if data.get("approver_role", "staff") not in APPROVER_ROLES:
        errors["approver_role"] = _("审批角色只能是工会干部或工会主席")
    if errors:
        raise DomainError("invalid", _("请检查申领类型的设置"), fields=errors)
    data = {**data, "audience": clean_audience(org, data.get("audience"))}
    return data


def claim_type_save(*, actor, org: Org, data: dict, ctype: ClaimType | None = None) -> ClaimType:
    ensure_role_over(actor, org if ctype is None else ctype.org)
    data = claim_type_clean(org=org, data=data)
    fund = data.pop("fund", None)
    if fund is not None and not isinstance(fund, Fund):
        fund = Fund.objects.filter(pk=fund, org__path__in=org.ancestor_paths()).first()
        if fund is None:
            raise DomainError("invalid", _("经费不存在"), fields={"fund": _("请选择本工会的经费")})
    if ctype is None:
        if ClaimType.objects.filter(org=org, code=data["code"]).exists():
            raise DomainError("invalid", _("代码已被使用"), fields={"code": _("代码已被使用")})
        ctype = ClaimType(org=org)
    for key, value in data.items():
        setattr(ctype, key, value)
    ctype.fund = fund
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


def consents_in_force(member: Member, proxy: ProxyConsent | None = None) -> set[str]:
    """The sensitive purposes a filing for `member` may carry. The member's own filing, or staff's
    on their behalf: what the member agreed to themselves. A filing by `proxy`: only what the
    member agreed to for that proxy by their own code, while the consent lasts — never the
    member's own consents, which were given for the union's use, not for whoever holds a
    signature (a bank account typed by a proxy is how a payout is redirected)."""
    if proxy is not None:
        return set(proxy.purposes) if proxy.live else set()
    return {purpose for purpose, granted in consent_current(member).items() if granted}


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
    if errors and not keep_draft_on_error:
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
    row = ClaimFile.objects.select_related("claim__member", "claim__proxy").filter(pk=file_id).first()
    if row is None or not can_view_claim(user, row.claim):
        raise NotFound()
    if row.claim.member.user_id != user.pk:
        log_action(row.claim, "benefits.claim.file_opened", user, {"file": row.pk})
    return row


# -- funds (B7) --------------------------------------------------------------------------------


def fund_save(*, actor, org: Org, data: dict, fund: Fund | None = None) -> Fund:
    ensure_role_over(actor, org if fund is None else fund.org, {Role.CHAIR, Role.ADMIN, Role.STAFF})
    errors = {}
    budget = data.get("budget")
    if budget is None or Decimal(budget) < 0:
        errors["budget"] = _("预算不能为负")
    elif reason := money_error(budget):
        errors["budget"] = reason
    elif fund is not None and Decimal(budget) < fund.spent:
        errors["budget"] = _("预算不能少于已支出的 %(s)s 元") % {"s": fund.spent}
    if reason := money_error(data.get("sign_threshold")):
        errors["sign_threshold"] = reason
    if "year" in data and not (YEAR_MIN <= int(data["year"]) <= YEAR_MAX):
        errors["year"] = _("应在 %(a)s 到 %(b)s 之间") % {"a": YEAR_MIN, "b": YEAR_MAX}
    signer = data.get("signer")
    if signer is not None and not has_role_over(signer, org, {Role.CHAIR, Role.ADMIN, Role.STAFF}):
        errors["signer"] = _("一支笔审批人须是本工会的干部")
    if errors:
        raise DomainError("invalid", _("请检查经费设置"), fields=errors)
    fund = fund or Fund(org=org)
    for key in ("name", "year", "budget", "signer", "sign_threshold"):
        if key in data:
            setattr(fund, key, data[key])
    fund.save()
    log_action(fund, "benefits.fund.saved", actor, {"budget": str(fund.budget), "year": fund.year})
    return fund


def fund_spend(
    *, fund: Fund, amount: Decimal, actor, purpose: str, member=None, claim=None, case=None
) -> FundEntry:
    """Pay `amount` out of `fund`, or refuse.

    1. Above the fund's threshold only the designated signer (一支笔) may approve.
    2. `spent` moves by one conditional UPDATE: two approvals at the same moment are serialised
       by the row lock the UPDATE takes, and the second sees the first's spending before its
       condition is checked, so the budget is never passed (and the check constraint backs it).
    Call inside the transaction of the approval it pays for."""
    amount = money(amount)
    if amount <= 0:
        raise DomainError("invalid", _("金额必须大于 0"), fields={"amount": _("必须大于 0")})
    signed_by = None
    if fund.sign_threshold is not None and amount > fund.sign_threshold:
        if fund.signer_id != actor.pk:
            who = fund.signer.display_name if fund.signer_id else _("（未指定）")
            raise Forbidden(
                "signer_required",
                _("超过 %(t)s 元的支出须由一支笔审批人 %(who)s 签批")
                % {"t": fund.sign_threshold, "who": who},
            )
        signed_by = actor
    moved = Fund.objects.filter(pk=fund.pk, spent__lte=F("budget") - amount).update(spent=F("spent") + amount)
    if not moved:
        fund.refresh_from_db(fields=["spent", "budget"])
        raise Conflict(
            "over_budget",
            _("%(fund)s余额不足：剩余 %(left)s 元，本次 %(amount)s 元")
            % {"fund": fund.name, "left": fund.remaining, "amount": amount},
        )
    entry = FundEntry.objects.create(
        fund=fund,
        amount=amount,
        purpose=purpose[:200],
        member=member,
        claim=claim,
        case=case,
        approved_by=actor,
        signed_by=signed_by,
    )
    log_action(
        fund, "benefits.fund.paid", actor, {"amount": str(amount), "entry": entry.pk, "purpose": purpose}
    )
    return entry


def funds_for(user):
    return scope(Fund.objects.select_related("org", "signer"), user)


LEDGER_COLUMNS = ["日期", "经费", "用途", "会员", "金额（元）", "审批人", "一支笔签批", "余额（元）"]


def ledger_rows(fund: Fund) -> list[list]:
    """The ledger (台账) in the order of payment, with the running balance."""
    balance = fund.budget
    rows = []
    for e in fund.entries.select_related("member", "approved_by", "signed_by"):
        balance = balance - e.amount if e.kind == "payout" else balance + e.amount
        rows.append(
            [
                timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M"),
                fund.name,
                e.purpose,
                e.member.name if e.member else "",
                float(e.amount),
                e.approved_by.display_name if e.approved_by else "",
                e.signed_by.display_name if e.signed_by else "",
                float(balance),
            ]
        )
    return rows


# -- proxy consent (B8) ------------------------------------------------------------------------


def proxy_find_member(*, actor, query: str) -> Member:
    """A member within the actor's volunteer or staff scope, by username, phone or member number."""
    query = (query or "").strip()
    qs = scope(Member.objects.select_related("user", "org"), actor, roles=PROXY_ROLES).filter(
        status=MemberStatus.ACTIVE
    )
    member = (
        qs.filter(user__username=query).first()
        or qs.filter(phone=query).first()
        or qs.filter(member_no=query).first()
        if query
        else None
    )
    if member is None:
        raise DomainError(
            "invalid", _("找不到这位会员"), fields={"member": _("请填写会员的手机号、用户名或会员号")}
        )
    return member


def _clean_purposes(purposes) -> list[str]:
    purposes = list(dict.fromkeys(purposes or []))
    if not set(purposes) <= {ConsentPurpose.HEALTH, ConsentPurpose.FINANCIAL}:
        raise DomainError("invalid", _("授权范围不正确"), fields={"purposes": _("只能是健康或收入信息")})
    return purposes


def proxy_request_code(*, actor, member: Member, purposes=()) -> tuple[ProxyConsent, str]:
    """Send the member a one-time code; the volunteer types it in once the member reads it out."""
    ensure_role_over(actor, member.org, PROXY_ROLES)
    if member.user_id is None:
        raise DomainError(
            "no_account",
            _("这位会员没有开通账号，无法接收验证码，请改用手写签名"),
            fields={"method": _("请改用手写签名")},
        )
    # A volunteer cannot text a member codes all day, nor try code after code.
    throttle.require("proxy.code.member", str(member.pk), limit=PROXY_CODES_PER_MEMBER, window=3600)
    throttle.require("proxy.code.actor", str(actor.pk), limit=PROXY_CODES_PER_ACTOR, window=3600)
    code = f"{secrets.randbelow(10**6):06d}"
    consent = ProxyConsent.objects.create(
        member=member,
        actor=actor,
        method=ConsentMethod.CODE,
        purposes=_clean_purposes(purposes),
        code_digest=digest(code),
        expires_at=timezone.now() + dt.timedelta(minutes=PROXY_CODE_MINUTES),
    )
    purposes = consent.purposes
    notify(
        member.user,
        Message(_l("代办验证码：%(code)s"), code=code),
        Message(
            _l(
                "%(who)s 请求代您办理工会业务%(what)s。同意请把验证码告诉他，%(m)s 分钟内有效；不同意请忽略。"
            ),
            who=actor.display_name,
            what=_purposes_words(purposes),
            m=PROXY_CODE_MINUTES,
        ),
        secret=True,  # a code: never in the server's log
    )
    log_action(consent, "benefits.proxy.code_sent", actor, {"member": member.pk})
    return consent, code


def proxy_confirm_code(*, consent: ProxyConsent, actor, code: str) -> ProxyConsent:
    """The code the member read out. Each try is counted before it is checked, by one conditional
    UPDATE, so guesses sent in parallel cannot pass PROXY_MAX_ATTEMPTS together."""
    if consent.actor_id != actor.pk:
        raise NotFound()
    if consent.granted_at is not None:
        return consent
    tried = ProxyConsent.objects.filter(
        pk=consent.pk, granted_at__isnull=True, attempts__lt=PROXY_MAX_ATTEMPTS, expires_at__gt=timezone.now()
    ).update(attempts=F("attempts") + 1)
    if not tried:
        raise DomainError("expired", _("验证码已失效，请重新发送"), fields={"code": _("请重新发送验证码")})
    if not hmac.compare_digest(digest(str(code or "").strip()), consent.code_digest):
        raise DomainError("invalid", _("验证码不正确"), fields={"code": _("验证码不正确")})
    return _grant(consent, actor)


PURPOSE_WORDS = {ConsentPurpose.HEALTH: _l("健康信息"), ConsentPurpose.FINANCIAL: _l("收入与银行账户")}


def _purposes_words(purposes) -> Message | str:
    """ "，并可填写您的健康信息" and the like, for the texts that tell the member what they agree
    to; in each reader's own language."""
    words = [PURPOSE_WORDS[p] for p in purposes if p in PURPOSE_WORDS]
    if not words:
        return ""
    what = words[0] if len(words) == 1 else Message(_l("%(a)s和%(b)s"), a=words[0], b=words[1])
    return Message(_l("，并可填写您的%(what)s"), what=what)


def proxy_sign(*, actor, member: Member, png: bytes, purposes=()) -> ProxyConsent:
    """The member signs on the volunteer's screen; the signature image is the consent record. A
    signature lets the volunteer file for the member for PROXY_VALID_HOURS, and no more: health
    and financial data need the member's own code (the volunteer holds the phone a signature is
    drawn on, so a signature proves less than a code sent to the member's own phone)."""
    ensure_role_over(actor, member.org, PROXY_ROLES)
    if _clean_purposes(purposes):
        message = _("健康和收入信息需要会员本人同意：请改用“给会员发验证码”")
        raise DomainError("invalid", message, fields={"purposes": message})
    if len(png) > 2 * 1024 * 1024:
        raise DomainError("invalid", _("签名图片太大"), fields={"signature": _("签名图片太大")})
    if sniff(png[:16]) != "image/png":
        raise DomainError("invalid", _("请让会员在框内签名"), fields={"signature": _("请让会员在框内签名")})
    if reason := ink_error(png):
        raise DomainError("invalid", reason, fields={"signature": reason})
    consent = ProxyConsent(
        member=member,
        actor=actor,
        method=ConsentMethod.SIGNATURE,
        purposes=[],
        expires_at=timezone.now(),
    )
    consent.signature.save(f"sig-{member.pk}-{secrets.token_hex(4)}.png", ContentFile(png), save=False)
    consent.save()
    return _grant(consent, actor)


def _grant(consent: ProxyConsent, actor) -> ProxyConsent:
    """The consent holds from now for PROXY_VALID_HOURS. Nothing is written to the member's own
    consents: what it grants is read from it while it lasts (`consents_in_force`)."""
    now = timezone.now()
    with transaction.atomic():
        ends = now + dt.timedelta(hours=PROXY_VALID_HOURS)
        if consent.pk and not ProxyConsent.objects.filter(pk=consent.pk, granted_at__isnull=True).update(
            granted_at=now, expires_at=ends
        ):
            consent.refresh_from_db()  # granted meanwhile by the same code sent twice
            return consent
        consent.granted_at, consent.expires_at = now, ends
        log_action(
            consent.member,
            "benefits.proxy.granted",
            actor,
            {"consent": consent.pk, "method": consent.method, "purposes": consent.purposes},
            timeline=True,
        )
    if consent.member.user_id:
        notify(
            consent.member.user,
            Message(_l("您已同意 %(who)s 代您办理"), who=actor.display_name),
            Message(
                _l("%(h)s 小时内有效%(what)s。代办的每一项都会出现在“福利申领”里；不想继续可以随时撤销。"),
                h=PROXY_VALID_HOURS,
                what=_purposes_words(consent.purposes),
            ),
            "/benefits/#proxy",
        )
    return consent


def proxy_revoke(*, consent: ProxyConsent, member: Member, actor) -> ProxyConsent:
    """The member ends a proxy's consent before it expires; the proxy is told."""
    if consent.member_id != member.pk:
        raise NotFound()
    if consent.revoked_at is None:
        consent.revoked_at = timezone.now()
        consent.save(update_fields=["revoked_at"])
        log_action(member, "benefits.proxy.revoked", actor, {"consent": consent.pk}, timeline=True)
        notify(
            consent.actor,
            Message(_l("%(name)s 已撤销代办授权"), name=mask_name(member.name)),
            _l("如需继续代办，请重新取得会员同意。"),
            "/proxy/",
        )
    return consent


def proxy_consents_of(member: Member):
    """Every proxy consent the member gave (or was asked for), newest first: for the member's list."""
    return ProxyConsent.objects.select_related("actor").filter(member=member, granted_at__isnull=False)


def proxy_check(*, consent: ProxyConsent, actor) -> None:
    """A consent the actor may use now: theirs, granted, not expired, not revoked, for a member
    who has not left."""
    if consent.actor_id != actor.pk:
        raise NotFound()
    if consent.member.status != MemberStatus.ACTIVE:
        raise DomainError("not_member", _("这位会员已不在工会，不能代办"), status=403)
    if consent.revoked_at is not None:
        raise DomainError("consent_revoked", _("会员已撤销代办授权"), status=403)
    if not consent.live:
        raise DomainError("consent_required", _("请先取得会员的同意（验证码或签名）"), status=403)


def proxy_for(*, actor, consent_id: int | None) -> ProxyConsent | None:
    if consent_id in (None, ""):
        return None
    consent = (
        ProxyConsent.objects.select_related("member__org", "member__user", "actor")
        .filter(pk=consent_id, actor=actor)
        .first()
    )
    if consent is None:
        raise NotFound()
    proxy_check(consent=consent, actor=actor)
    return consent


def proxy_minutes_left(consent: ProxyConsent) -> int:
    return max(0, int((consent.expires_at - timezone.now()).total_seconds() // 60))
