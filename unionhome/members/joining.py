"""Joining (M2): the applicant's phone proved by a code before an account is made; a roster entry
claimed at once only with its ID number, or with a code texted to the entry's own phone; anything
else queued for staff; refusals that read the same whatever the reason."""

from __future__ import annotations

from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from unionhome.core import otp
from unionhome.core.audit import log_action
from unionhome.core.crypto import digest
from unionhome.core.errors import Conflict, DomainError, NotFound
from unionhome.core.models import Org, OrgKind, Site
from unionhome.core.notifications import Message, notify
from unionhome.core.scoping import ensure_role_over, within
from unionhome.core.workflow import Workflow

from . import idcard
from .models import (
    Consent,
    ConsentPurpose,
    JoinApplication,
    JoinStatus,
    Member,
    MemberStatus,
)
from .services import _activate, _set_identity, name_initials

JOIN_FLOW = Workflow(
    "members.join",
    {
        "approve": ({JoinStatus.SUBMITTED}, JoinStatus.APPROVED),
        "reject": ({JoinStatus.SUBMITTED}, JoinStatus.REJECTED),
    },
)


def _validate_join(
    *, org: Org, name: str, phone: str, id_number: str, site: Site | None, id_consent: bool
) -> None:
    errors: dict[str, str] = {}
    if org.kind not in (OrgKind.ENTERPRISE, OrgKind.BRANCH, OrgKind.GROUP):
        errors["org"] = _("请选择所在的企业工会")
    if not name.strip():
        errors["name"] = _("请填写姓名")
    if reason := idcard.phone_error(phone):
        errors["phone"] = reason
    if id_number:
        if reason := idcard.id_error(id_number):
            errors["id_number"] = reason
        elif not id_consent:
            errors["id_consent"] = _("填写身份证号需要您单独同意")
    if site is not None and not site.org.path.startswith(org.path):
        errors["site"] = _("该工作地点不属于所选工会")
    if errors:
        raise DomainError("invalid", _("请检查填写的内容"), fields=errors)


# What the applicant is told whenever the rule does not approve at once: the same words whatever
# the reason, so that a stranger cannot learn from them which employee numbers, names or phones
# are on a roster. Staff read the reason itself (`auto_note`) in their queue.
JOIN_PENDING_TEXT = _l(
    "工会将在3个工作日内审核。如果单位花名册登记了您的手机号，我们已向该号码发送验证码，输入验证码即可立即入会。"
)
JOIN_SUBMITS_PER_ADDRESS = 20  # an hour, per address: a family or a station kiosk, not a script
ROSTER_CODE_TEXT = _l(
    "【网上职工之家】有人用您在花名册上的工号申请入会，验证码 %(code)s。不是您本人请勿告诉任何人。"
)


def join_submit(
    *,
    user,
    org: Org,
    name: str,
    phone: str,
    phone_verified: bool = False,
    address: str = "",
    employee_no: str = "",
    id_number: str = "",
    site: Site | None = None,
    post: str = "other",
    id_consent: bool = False,
) -> JoinApplication:
    """File a join application and review it by rule at once (`_auto_review`).

    `phone_verified`: the applicant proved by a code that `phone` is theirs. `address`: where the
    request came from, for the limits on codes. When the roster entry can only be confirmed by
    its own phone, a code is texted to that phone (`join_confirm` takes it); the code is kept on
    the application's `echo_code` only on a demo machine (core.otp)."""
    id_number = idcard.normalise_id(id_number)
    phone = idcard.normalise_phone(phone)
    employee_no = employee_no.strip()
    _validate_join(org=org, name=name, phone=phone, id_number=id_number, site=site, id_consent=id_consent)
    if hasattr(user, "member") and user.member.status == MemberStatus.ACTIVE:
        raise Conflict("already_member", _("您已经是会员了"))
    enterprise = org.enterprise() or org
    try:
        with transaction.atomic():
            application = JoinApplication.objects.create(
                user=user,
                org=enterprise,
                site=site,
                name=name.strip(),
                phone=phone,
                phone_verified=phone_verified,
                employee_no=employee_no,
                id_number=id_number,
                post=post,
            )
    except IntegrityError as exc:
        raise Conflict("duplicate", _("您已有一份待审核的入会申请")) from exc
    log_action(application, "members.join.submitted", user, timeline=True, org=enterprise)

    roster = _roster_match(enterprise, employee_no) if employee_no else None
    review = _auto_review(application, roster)
    application.echo_code = None
    if review.approve:
        with transaction.atomic():
            application.member = roster
            _join_approve(
                application,
                actor=None,
                note=review.reason,
                action="members.join.auto_approved",
                roster=roster,
            )
        _tell_joined(application)
        return application
    application.auto_note = review.reason
    application.save(update_fields=["auto_note"])
    if review.roster_code:
        try:
            application.echo_code = otp.send(
                purpose="join",
                target=str(roster.pk),
                phone=roster.phone,
                text=str(ROSTER_CODE_TEXT),
                address=address,
                queued=True,  # the gateway's time must not tell a stranger the entry exists
            )
        except DomainError as exc:  # too many codes for this entry, or no SMS: staff decide
            log_action(application, "members.join.code_not_sent", None, {"code": exc.code}, org=enterprise)
    notify(user, _l("入会申请已提交"), JOIN_PENDING_TEXT, "/join/")
    return application


def join_confirm(*, application: JoinApplication, user, code: str) -> JoinApplication:
    """The applicant types the code texted to the roster entry's phone: that phone's holder agrees,
    and the application is approved as the rule would have. A wrong or stale code, or an entry
    that changed meanwhile, is refused in the same words."""
    if application.user_id != user.pk:
        raise NotFound()
    refused = DomainError(
        "invalid_code", _("验证码不正确或已失效"), fields={"code": _("验证码不正确或已失效")}
    )
    if application.status != JoinStatus.SUBMITTED:
        raise refused
    roster = _roster_match(application.org, application.employee_no) if application.employee_no else None
    review = _auto_review(application, roster)
    if not review.roster_code or not otp.verify(purpose="join", target=str(roster.pk), code=code):
        raise refused
    with transaction.atomic():
        application.member = roster
        _join_approve(
            application,
            actor=None,
            note=_("花名册登记的手机号验证码核验通过"),
            action="members.join.auto_approved",
            roster=roster,
        )
    _tell_joined(application)
    return application


def _tell_joined(application: JoinApplication) -> None:
    notify(
        application.user,
        _l("入会申请已通过"),
        Message(_l("欢迎加入%(org)s！您的电子会员卡已生成。"), org=application.org.name),
        "/card/",
    )


def _roster_match(enterprise: Org, employee_no: str) -> Member | None:
    return within(Member.objects, enterprise).filter(employee_no=employee_no).select_related("org").first()


class Review(NamedTuple):
    approve: bool
    reason: str  # for staff, never shown to the applicant
    roster_code: bool = False  # confirm with a code texted to the roster entry's phone


def _auto_review(application: JoinApplication, roster: Member | None) -> Review:
    """The rule. A roster entry is claimed at once only with proof beyond what a colleague knows
    (a name and an employee number, which are printed on rosters, badges and shift lists):
    the entry's ID number, when the roster holds one; otherwise its phone — the applicant's own
    verified phone being that phone, or a code texted to it. Anything else waits for staff."""
    if not application.employee_no:
        return Review(False, _("未填写工号，需人工审核"))
    if roster is None:
        return Review(False, _("工号不在花名册中，需人工审核"))
    if roster.user_id is not None or roster.status != MemberStatus.ROSTER:
        return Review(False, _("该工号已登记为会员，需人工核实"))
    if roster.name != application.name:
        return Review(False, _("姓名与花名册不一致，需人工审核"))
    if roster.id_digest:
        if not application.id_number:
            return Review(False, _("花名册登记了身份证号，申请人未填写，需人工审核"))
        if roster.id_digest != digest(application.id_number):
            return Review(False, _("身份证号与花名册不一致，需人工审核"))
        return Review(True, _("花名册核验通过（工号、姓名、身份证号一致）"))
    if not roster.phone:
        return Review(False, _("花名册无身份证号和手机号，需人工审核"))
    if application.phone_verified and application.phone == roster.phone:
        return Review(True, _("花名册核验通过（手机号已验证，与花名册一致）"))
    return Review(
        False, _("已向花名册登记的手机号发送验证码，等待申请人输入；未确认前需人工审核"), roster_code=True
    )


def _join_approve(
    application: JoinApplication, *, actor, note: str, action: str | None = None, roster: Member | None = None
) -> Member:
    member = roster or application.member
    if member is None:
        member = Member(
            org=application.org,
            site=application.site,
            name=application.name,
            name_initials=name_initials(application.name),
            employee_no=application.employee_no or None,
            post=application.post,
        )
    if application.phone_verified or actor is not None or not member.phone:
        member.phone = application.phone  # never an unproven phone over the roster's own
    if application.id_number:
        _set_identity(member, application.id_number)
    if application.site_id and not member.site_id:
        member.site = application.site
    try:
        with transaction.atomic():
            _activate(member, user=application.user, actor=actor)
    except IntegrityError as exc:
        raise Conflict("duplicate_person", _("该身份证号或工号已属于另一位会员")) from exc
    if application.id_number:
        Consent.objects.create(
            member=member, purpose=ConsentPurpose.ID_NUMBER, granted=True, recorded_by=application.user
        )
    Consent.objects.create(
        member=member, purpose=ConsentPurpose.SERVICE, granted=True, recorded_by=application.user
    )
    if application.user.phone is None and application.phone_verified:
        application.user.phone = application.phone
        application.user.first_name = application.name
        application.user.save(update_fields=["phone", "first_name"])
    JOIN_FLOW.apply(
        application,
        "approve",
        actor=actor,
        note=note,
        action=action,
        extra={"member": member, "decided_by": actor if actor and actor.is_authenticated else None},
    )
    return member


def join_approve(*, application: JoinApplication, actor, note: str = "") -> Member:
    ensure_role_over(actor, application.org)
    with transaction.atomic():
        roster = _roster_match(application.org, application.employee_no) if application.employee_no else None
        if roster is not None and (roster.user_id is not None or roster.status != MemberStatus.ROSTER):
            roster = None
        member = _join_approve(application, actor=actor, note=note, roster=roster)
    notify(application.user, _l("入会申请已通过"), _l("欢迎加入工会！您的电子会员卡已生成。"), "/card/")
    return member


def join_reject(*, application: JoinApplication, actor, note: str) -> JoinApplication:
    ensure_role_over(actor, application.org)
    if not note.strip():
        raise DomainError("invalid", _("请填写不通过的原因"), fields={"note": _("请填写不通过的原因")})
    JOIN_FLOW.apply(
        application, "reject", actor=actor, note=note, extra={"decision_note": note, "decided_by": actor}
    )
    notify(application.user, _l("入会申请未通过"), note, "/join/")
    return application
