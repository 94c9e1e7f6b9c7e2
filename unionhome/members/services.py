"""Every change to members, applications, transfers, consent and deletion goes through here."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from pypinyin import Style, lazy_pinyin

from unionhome.core.audit import log_action, timeline_entries
from unionhome.core.crypto import digest
from unionhome.core.errors import Conflict, DomainError, NotFound
from unionhome.core.models import Org, OrgKind
from unionhome.core.notifications import Message, notify
from unionhome.core.scoping import ensure_role_over, has_role_over
from unionhome.core.workflow import Workflow

from . import groups, idcard
from .models import (
    SENSITIVE_PURPOSES,
    Consent,
    ConsentPurpose,
    DeletionRequest,
    DeletionStatus,
    Member,
    MemberStatus,
    Transfer,
    TransferStatus,
)
from .selectors import ensure_active

TRANSFER_FLOW = Workflow(
    "members.transfer",
    {
        "accept": ({TransferStatus.REQUESTED}, TransferStatus.ACCEPTED),
        "reject": ({TransferStatus.REQUESTED}, TransferStatus.REJECTED),
        "cancel": ({TransferStatus.REQUESTED}, TransferStatus.CANCELLED),
    },
)
DELETION_FLOW = Workflow(
    "members.deletion",
    {
        "approve": ({DeletionStatus.REQUESTED}, DeletionStatus.APPROVED),
        "reject": ({DeletionStatus.REQUESTED}, DeletionStatus.REJECTED),
    },
)

PROFILE_FIELDS = {"post", "employment_type", "shift", "hired_on", "skills", "interests", "tags", "site"}
STAFF_ONLY_FIELDS = {"posted_away", "hardship", "name", "phone", "employee_no"}


def name_initials(name: str) -> str:
    """张三丰 → zsf, for searching by pinyin initials."""
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()


def _set_identity(member: Member, id_number: str) -> None:
    member.id_number = id_number
    member.id_digest = digest(id_number)
    member.birth_date = idcard.birth_date(id_number)
    member.gender = idcard.gender(id_number)


def _activate(member: Member, *, user, actor) -> None:
    member.user = user
    member.status = MemberStatus.ACTIVE
    member.joined_on = member.joined_on or timezone.localdate()
    member.save()
    if not member.member_no:
        member.assign_member_no()
        member.save(update_fields=["member_no"])
    groups.recompute(member)
    log_action(member, "members.member.joined", actor, {"member_no": member.member_no}, timeline=True)


# --- transfer and leaving ---------------------------------------------------------------------


def transfer_request(
    *, member: Member, to_org: Org, actor, reason: str = "", new_employer: str = "", new_employee_no: str = ""
) -> Transfer:
    ensure_active(member, _("只有会员才能申请转会"))
    if to_org.pk == member.org_id:
        raise DomainError("invalid", _("请选择另一个工会"), fields={"to_org": _("请选择另一个工会")})
    if to_org.kind == OrgKind.HIGHER:
        raise DomainError(
            "invalid", _("请选择接收的企业工会或分会"), fields={"to_org": _("请选择接收的企业工会或分会")}
        )
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                member=member,
                from_org=member.org,
                to_org=to_org,
                reason=reason.strip(),
                new_employer=new_employer.strip(),
                new_employee_no=new_employee_no.strip(),
                requested_by=actor,
            )
    except IntegrityError as exc:
        raise Conflict("duplicate", _("已有一份转会申请在办理中")) from exc
    log_action(transfer, "members.transfer.requested", actor, {"to": to_org.name}, timeline=True)
    log_action(member, "members.transfer.requested", actor, {"to": to_org.name}, timeline=True)
    return transfer


def transfer_accept(*, transfer: Transfer, actor, note: str = "") -> Transfer:
    """The receiving union accepts: the membership moves with its number, date and history."""
    ensure_role_over(actor, transfer.to_org)
    member = transfer.member
    with transaction.atomic():
        TRANSFER_FLOW.apply(transfer, "accept", actor=actor, note=note, extra={"decided_by": actor})
        old_org = member.org
        member.org = transfer.to_org
        member.site = None
        member.employee_no = transfer.new_employee_no or None
        try:
            with transaction.atomic():
                member.save()
        except IntegrityError as exc:
            raise Conflict("duplicate", _("接收单位已有相同工号的会员")) from exc
        log_action(
            member,
            "members.member.employer_changed",
            actor,
            {"from": old_org.name, "to": transfer.to_org.name, "employer": transfer.new_employer},
            timeline=True,
        )
    if member.user_id:
        notify(
            member.user,
            _l("转会已完成"),
            Message(_l("您的会籍已转入%(org)s，会员号不变。"), org=transfer.to_org.name),
            "/profile/",
        )
    return transfer


def transfer_reject(*, transfer: Transfer, actor, note: str) -> Transfer:
    ensure_role_over(actor, transfer.to_org)
    if not note.strip():
        raise DomainError("invalid", _("请填写不接收的原因"), fields={"note": _("请填写不接收的原因")})
    TRANSFER_FLOW.apply(
        transfer, "reject", actor=actor, note=note, extra={"decided_by": actor, "decision_note": note}
    )
    if transfer.member.user_id:
        notify(transfer.member.user, _l("转会未被接收"), note, "/transfer/")
    return transfer


def transfer_cancel(*, transfer: Transfer, actor) -> Transfer:
    if transfer.member.user_id != actor.pk:
        raise NotFound()
    return TRANSFER_FLOW.apply(transfer, "cancel", actor=actor)


def member_leave(*, member: Member, actor, reason: str = "") -> Member:
    if member.user_id != getattr(actor, "pk", None):
        ensure_role_over(actor, member.org)
    ensure_active(member, _("当前不是会员"))
    member.status = MemberStatus.LEFT
    member.membership_ended_on = timezone.localdate()
    member.save(update_fields=["status", "membership_ended_on", "updated_at"])
    log_action(member, "members.member.left", actor, {"reason": reason}, timeline=True)
    return member


# --- profile ------------------------------------------------------------------------------------


def member_update(*, member: Member, actor, changes: dict[str, Any]) -> Member:
    """Change profile fields: a partial update, `changes` holding only the fields to change (as
    the API's PATCH and the form's changed fields give them). Members change their own working
    profile; staff also the fields only the union may set. The phone and ID rules are
    `members.idcard`'s, shared with joining and roster imports. Sensitive values are never
    written to the log, only that they changed."""
    data = changes
    own = member.user_id is not None and member.user_id == getattr(actor, "pk", None)
    allowed = set(PROFILE_FIELDS)
    if not own or has_role_over(actor, member.org):
        ensure_role_over(actor, member.org)
        allowed |= STAFF_ONLY_FIELDS | {"id_number"}
    unknown = set(data) - allowed
    if unknown:
        raise DomainError(
            "invalid", _("不能修改这些字段"), fields={f: _("不能修改") for f in sorted(unknown)}
        )
    errors: dict[str, str] = {}
    for field, value in data.items():  # an API's null for a field that cannot be empty
        if value is None and field != "name" and not Member._meta.get_field(field).null:
            errors[field] = _("不能为空")
    if "phone" in data and (reason := idcard.phone_error(data["phone"])):
        errors["phone"] = reason
    if data.get("id_number") and (reason := idcard.id_error(data["id_number"])):
        errors["id_number"] = reason
    if (
        "site" in data
        and data["site"] is not None
        and not data["site"].org.path.startswith((member.org.enterprise() or member.org).path)
    ):
        errors["site"] = _("该工作地点不属于本单位")
    if "name" in data and not (data["name"] or "").strip():  # an empty name, or none at all (null)
        errors["name"] = _("请填写姓名")
    if errors:
        raise DomainError("invalid", _("请检查填写的内容"), fields=errors)

    changed = []
    for field, value in data.items():
        if field == "id_number":
            if value and idcard.normalise_id(value) != member.id_number:
                _set_identity(member, idcard.normalise_id(value))
                changed.append(field)
            continue
        if field == "phone":
            value = idcard.normalise_phone(value)
        if getattr(member, field) != value:
            setattr(member, field, value)
            changed.append(field)
    if "name" in changed:
        member.name_initials = name_initials(member.name)
    if not changed:
        return member
    try:
        with transaction.atomic():
            member.save()
            groups.recompute(member)
            log_action(member, "members.member.updated", actor, {"fields": sorted(changed)}, timeline=own)
    except IntegrityError as exc:
        raise DomainError("duplicate", _("该身份证号或工号已属于另一位会员"), status=409) from exc
    return member


REVEALABLE = ("id_number", "phone")  # shown masked everywhere; in full only on purpose


def member_reveal(*, member: Member, field: str, actor, reason: str) -> str:
    """Staff read of a member's full ID number or phone: allowed in scope, with a reason, and
    always logged."""
    if field not in REVEALABLE:
        raise DomainError("invalid", _("不能查看该项"), fields={"field": _("只能是身份证号或手机号")})
    if member.user_id != getattr(actor, "pk", None):
        ensure_role_over(actor, member.org)
        if not reason.strip():
            raise DomainError("invalid", _("查看完整信息需要填写用途"), fields={"reason": _("请填写用途")})
    log_action(member, "members.member.viewed_sensitive", actor, {"field": field, "reason": reason})
    return getattr(member, field) or ""


# --- consent, export, deletion -----------------------------------------------------------------


def consent_current(member: Member) -> dict[str, bool]:
    current: dict[str, bool] = {}
    for purpose, granted in member.consents.order_by("at", "pk").values_list("purpose", "granted"):
        current[purpose] = granted
    return current


def consent_set(*, member: Member, purpose: str, granted: bool, actor) -> Consent:
    if member.user_id != getattr(actor, "pk", None):
        raise NotFound()
    if purpose not in ConsentPurpose.values:
        raise DomainError("invalid", _("未知的授权用途"), fields={"purpose": _("未知的授权用途")})
    consent = Consent.objects.create(member=member, purpose=purpose, granted=granted, recorded_by=actor)
    log_action(
        member,
        "members.consent.granted" if granted else "members.consent.withdrawn",
        actor,
        {"purpose": purpose, "sensitive": purpose in SENSITIVE_PURPOSES},
        timeline=True,
    )
    if purpose == ConsentPurpose.ID_NUMBER and not granted and member.id_number:
        # Withdrawing consent for a sensitive item removes the item: keep nothing we may not hold.
        member.id_number = ""
        member.id_digest = None
        member.save(update_fields=["id_number", "id_digest", "updated_at"])
    return consent


def member_export(*, member: Member, actor) -> dict[str, Any]:
    """Everything we hold about the member, for the member (PIPL art. 45)."""
    if member.user_id != getattr(actor, "pk", None):
        raise NotFound()
    data = {
        "member_no": member.member_no,
        "name": member.name,
        "gender": member.get_gender_display() if member.gender else "",
        "birth_date": member.birth_date.isoformat() if member.birth_date else None,
        "phone": member.phone,
        "id_number": member.id_number,
        "employee_no": member.employee_no,
        "union": member.org.name,
        "site": member.site.name if member.site_id else None,
        "status": member.get_status_display(),
        "joined_on": member.joined_on.isoformat() if member.joined_on else None,
        "post": member.get_post_display(),
        "employment_type": member.get_employment_type_display(),
        "shift": member.get_shift_display(),
        "hired_on": member.hired_on.isoformat() if member.hired_on else None,
        "skills": member.skills,
        "interests": member.interests,
        "service_groups": member.group_labels,
        "consents": [
            {
                "purpose": c.get_purpose_display(),
                "granted": c.granted,
                "at": timezone.localtime(c.at).isoformat(),
            }
            for c in member.consents.all()
        ],
        "history": [{"at": e["at"].isoformat(), "event": e["text"]} for e in timeline_entries(member)],
        "transfers": [
            {
                "from": t.from_org.name,
                "to": t.to_org.name,
                "status": t.get_status_display(),
                "at": timezone.localtime(t.created_at).isoformat(),
            }
            for t in member.transfers.select_related("from_org", "to_org")
        ],
    }
    log_action(member, "members.member.exported", actor)
    return data


def deletion_request(*, member: Member, actor, reason: str = "") -> DeletionRequest:
    if member.user_id != getattr(actor, "pk", None):
        raise NotFound()
    try:
        with transaction.atomic():
            request = DeletionRequest.objects.create(member=member, reason=reason.strip())
    except IntegrityError as exc:
        raise Conflict("duplicate", _("您已提交过删除申请，正在审核")) from exc
    log_action(member, "members.deletion.requested", actor, timeline=True)
    return request


def deletion_approve(*, request: DeletionRequest, actor, note: str = "") -> Member:
    ensure_role_over(actor, request.member.org)
    member = request.member
    with transaction.atomic():
        DELETION_FLOW.apply(request, "approve", actor=actor, note=note, extra={"decided_by": actor})
        member_anonymise(member=member, actor=actor)
    return member


def deletion_reject(*, request: DeletionRequest, actor, note: str) -> DeletionRequest:
    ensure_role_over(actor, request.member.org)
    if not note.strip():
        raise DomainError("invalid", _("请填写不批准的原因"), fields={"note": _("请填写不批准的原因")})
    DELETION_FLOW.apply(
        request, "reject", actor=actor, note=note, extra={"decided_by": actor, "decision_note": note}
    )
    if request.member.user_id:
        notify(request.member.user, _l("删除申请未批准"), note, "/profile/")
    return request


def member_anonymise(*, member: Member, actor) -> Member:
    """Remove what identifies the person; keep what the law requires us to keep.

    Kept: the member row (as 已注销会员), membership dates and number, transfers, consent records,
    and the audit trail (the law asks for proof of processing). Removed: name, phone, ID number,
    birth date, employee number, free-text profile, the login, and the personal fields of join
    applications."""
    user = member.user
    member.name = _("已注销会员")
    member.name_initials = ""
    member.phone = None
    member.id_number = ""
    member.id_digest = None
    member.birth_date = None
    member.employee_no = None
    member.skills = member.interests = member.tags = ""
    member.status = MemberStatus.ANONYMISED
    member.membership_ended_on = member.membership_ended_on or timezone.localdate()
    member.user = None
    member.save()
    member.groups.all().delete()
    member.join_applications.update(name="", phone="", employee_no="", id_number="")
    if user is not None:
        user.username = f"deleted-{user.pk}"
        user.first_name = user.last_name = user.email = ""
        user.phone = None
        user.is_active = False
        user.set_unusable_password()
        user.save()
        user.api_tokens.all().delete()
    log_action(member, "members.member.anonymised", actor, timeline=True)
    return member
