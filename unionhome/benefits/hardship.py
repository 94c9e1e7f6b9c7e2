"""The hardship ledger (专项帮扶台账, B3) and pairing with visits (结对帮扶, 走访慰问, B4).

A case moves through five stages, each a `HardshipStep` with an owner and a deadline in working
days (seed 002 §3.2: 受理, 核实, 会商, 决定, 回访):

    intake → verification → consultation → decision → follow_up → closed

Verification needs the home-visit record and the signed authorisation to check household
finances; the decision needs a level, and an amount paid out of a fund for any level but none.
Urgent cases (急难) sort first and get shorter deadlines."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from unionhome.core.audit import log_action
from unionhome.core.bounds import amount_error, money_error
from unionhome.core.crypto import mask_name
from unionhome.core.errors import Conflict, DomainError, NotFound
from unionhome.core.models import Notification, Org, Role
from unionhome.core.notifications import Message, notify, notify_many
from unionhome.core.scoping import (
    STAFF_ROLES,
    above,
    by_rule,
    ensure_role_over,
    has_role_over,
    held,
    holders_over,
    own,
    scope,
    within,
)
from unionhome.core.uploads import EVIDENCE_TYPES, check_upload
from unionhome.core.workdays import workdays_after
from unionhome.core.workflow import Workflow
from unionhome.members.models import ConsentPurpose, Member, ProxyConsent
from unionhome.members.proxy import consents_in_force, proxy_check
from unionhome.members.selectors import person_q, require_active_member

from .funds import fund_spend, money
from .models import (
    Fund,
    HardshipCase,
    HardshipKind,
    HardshipLevel,
    HardshipNotice,
    HardshipPolicy,
    HardshipStage,
    HardshipStep,
    Pairing,
    Visit,
    VisitKind,
)

ORDER = [
    HardshipStage.INTAKE,
    HardshipStage.VERIFICATION,
    HardshipStage.CONSULTATION,
    HardshipStage.DECISION,
    HardshipStage.FOLLOW_UP,
    HardshipStage.CLOSED,
]
# The stages in order, each finished by one conditional UPDATE (core.workflow): two staff members
# finishing the same stage at once cannot both move the case on.
HARDSHIP_FLOW = Workflow(
    "benefits.hardship",
    {after: ({before}, after) for before, after in zip(ORDER, ORDER[1:], strict=False)},
    field="stage",
)
# Working days each stage may take; urgent cases move on the second table.
STAGE_DAYS = {"intake": 1, "verification": 5, "consultation": 3, "decision": 2, "follow_up": 20}
URGENT_DAYS = {"intake": 0, "verification": 2, "consultation": 1, "decision": 1, "follow_up": 10}
DETAIL_KEYS = {
    "household_size": None,
    "annual_income": ConsentPurpose.FINANCIAL,
    "unavoidable_costs": ConsentPurpose.FINANCIAL,
    "bank_account": ConsentPurpose.FINANCIAL,
    "health": ConsentPurpose.HEALTH,
}


# -- self-test ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    min_living_monthly: Decimal
    relative_multiple: Decimal = Decimal("2")
    accident_ratio: Decimal = Decimal("0.8")


def policy_for(org: Org) -> Thresholds:
    """The nearest locality policy at or above `org`, else the configured default."""
    policy = above(HardshipPolicy.objects, org).order_by("-org__path").first()
    if policy is None:
        return Thresholds(Decimal(str(settings.HARDSHIP_MIN_LIVING_MONTHLY)))
    return Thresholds(policy.min_living_monthly, policy.relative_multiple, policy.accident_ratio)


def self_test(
    *, household_size: int, annual_income: Decimal, unavoidable_costs: Decimal, thresholds: Thresholds
) -> tuple[str, str]:
    """The level a household may qualify for, and why, in words a member understands.

    Monthly income per person = annual income / 12 / household size. Below the local
    minimum-living line: deep hardship; below `relative_multiple` times the line: relative
    hardship; otherwise unavoidable costs (medical bills, accident) above `accident_ratio` of the
    annual income: accident-caused hardship."""
    errors = {}
    if household_size < 1 or household_size > 30:
        errors["household_size"] = _("家庭人口应在 1 到 30 之间")
    if annual_income < 0:
        errors["annual_income"] = _("不能为负")
    if unavoidable_costs < 0:
        errors["unavoidable_costs"] = _("不能为负")
    if thresholds.min_living_monthly <= 0:
        errors["local_min_living_monthly"] = _("当地低保标准应大于 0")
    if errors:
        raise DomainError("invalid", _("请检查填写的数字"), fields=errors)
    line = thresholds.min_living_monthly
    per_person = money(Decimal(annual_income) / 12 / household_size)
    relative_line = money(line * thresholds.relative_multiple)
    facts = _("家庭人均月收入 %(p)s 元，当地低保标准 %(l)s 元/月") % {"p": per_person, "l": money(line)}
    if per_person < line:
        return HardshipLevel.DEEP, facts + _("。低于低保标准，可能符合深度困难，请向工会申请帮扶。")
    if per_person < relative_line:
        return HardshipLevel.RELATIVE, facts + _(
            "。低于低保标准的 %(m)s 倍（%(r)s 元），可能符合相对困难，请向工会申请帮扶。"
        ) % {
            "m": thresholds.relative_multiple.normalize(),
            "r": relative_line,
        }
    if (
        annual_income == 0
        and unavoidable_costs > 0
        or (annual_income > 0 and unavoidable_costs > annual_income * thresholds.accident_ratio)
    ):
        return HardshipLevel.ACCIDENT, facts + _(
            "。刚性支出 %(c)s 元超过家庭年收入的 %(pct)s%%，可能符合意外致困，请向工会申请帮扶。"
        ) % {
            "c": money(unavoidable_costs),
            "pct": int(thresholds.accident_ratio * 100),
        }
    return HardshipLevel.NONE, facts + _(
        "。按您填写的情况暂不符合困难职工标准；情况变化时可以再测，也可以直接联系工会。"
    )


# -- cases -------------------------------------------------------------------------------------


def _due(stage: str, urgent: bool, start: dt.date | None = None) -> dt.date:
    days = (URGENT_DAYS if urgent else STAGE_DAYS)[stage]
    return workdays_after(start or timezone.localdate(), days)


def _clean_details(details: dict, *, granted: set[str]) -> dict:
    errors: dict[str, str] = {}
    clean: dict = {}
    for key, value in (details or {}).items():
        if value in (None, ""):
            continue
        if key not in DETAIL_KEYS:
            errors[key] = _("没有这个字段")
            continue
        purpose = DETAIL_KEYS[key]
        if purpose and purpose not in granted:
            errors[key] = _("需要会员同意提供%(what)s") % {"what": ConsentPurpose(purpose).label}
            continue
        if key in ("annual_income", "unavoidable_costs"):
            if reason := amount_error(value):
                errors[key] = reason
                continue
            clean[key] = str(money(Decimal(str(value))))
        elif key == "household_size":
            try:
                clean[key] = int(value)
            except (TypeError, ValueError):
                errors[key] = _("请填写整数")
                continue
            if not 1 <= clean[key] <= 30:
                errors[key] = _("家庭人口应在 1 到 30 之间")
        else:
            clean[key] = str(value).strip()[:500]
    if errors:
        raise DomainError("invalid", _("请检查填写的内容"), fields=errors)
    return clean


def hardship_case_open(
    *,
    actor,
    kind: str,
    summary: str,
    urgent: bool = False,
    details: dict | None = None,
    member: Member | None = None,
    proxy: ProxyConsent | None = None,
) -> HardshipCase:
    """Open a case: a member for themselves, staff for a member of their union (at the office or
    after a visit), or a volunteer with the member's consent."""
    if proxy is not None:
        proxy_check(consent=proxy, actor=actor)
        member = proxy.member
    elif member is not None and member.user_id != actor.pk:
        ensure_role_over(actor, member.org)
    else:
        member = require_active_member(actor, _("请先加入工会再申请帮扶"))
    errors = {}
    if kind not in HardshipKind.values:
        errors["kind"] = _("请选择困难类型")
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = _("请简要说明情况")
    if errors:
        raise DomainError("invalid", _("请检查填写的内容"), fields=errors)
    clean = _clean_details(details or {}, granted=consents_in_force(member, proxy))
    suggested = ""
    if {"household_size", "annual_income"} <= set(clean):
        suggested, _why = self_test(
            household_size=clean["household_size"],
            annual_income=Decimal(clean["annual_income"]),
            unavoidable_costs=Decimal(clean.get("unavoidable_costs", "0")),
            thresholds=policy_for(member.org),
        )
    is_staff = has_role_over(actor, member.org)
    with transaction.atomic():
        case = HardshipCase.objects.create(
            number=f"tmp-{secrets.token_hex(8)}",
            member=member,
            org=member.org,
            kind=kind,
            urgent=bool(urgent),
            summary=summary[:200],
            details=json.dumps(clean, ensure_ascii=False) if clean else "",
            suggested_level=suggested,
            owner=actor if is_staff else None,
            due_on=_due(HardshipStage.INTAKE, bool(urgent)),
            opened_by=actor,
            proxy=proxy,
        )
        case.number = f"BF{timezone.localtime(case.created_at):%Y}{case.pk:06d}"
        case.save(update_fields=["number"])
        HardshipStep.objects.create(
            case=case, stage=HardshipStage.INTAKE, owner=case.owner, due_on=case.due_on
        )
        log_action(
            case,
            "benefits.hardship.opened",
            actor,
            {"urgent": case.urgent, "proxy": proxy.pk if proxy else None, "note": ""},
            timeline=True,
        )
    staff = holders_over(case.org, STAFF_ROLES if not case.urgent else {Role.STAFF, Role.CHAIR})
    notify_many(
        staff.values_list("pk", flat=True),
        (_l("【急难】") if case.urgent else "", Message(_l("新的帮扶申请 %(n)s"), n=case.number)),
        HardshipKind(kind).label,
        f"/staff/hardship/{case.pk}/",
        urgent=case.urgent,
    )
    if member.user_id:
        notify(
            member.user,
            Message(_l("帮扶申请已受理：%(n)s"), n=case.number),
            Message(_l("工会会在 %(d)s 前联系您。"), d=case.due_on),
            "/care/",
        )
    return case


def case_details(*, case: HardshipCase, actor) -> dict:
    """The encrypted details in full: staff reading them is logged."""
    if case.member.user_id != actor.pk:
        ensure_role_over(actor, case.org)
        log_action(case, "benefits.hardship.viewed_sensitive", actor, {"fields": sorted(_details(case))})
    return _details(case)


def _details(case: HardshipCase) -> dict:
    return json.loads(case.details) if case.details else {}


def current_step(case: HardshipCase) -> HardshipStep | None:
    return case.steps.filter(done_at__isnull=True).order_by("-pk").first()


def case_assign(*, case: HardshipCase, actor, owner) -> HardshipCase:
    ensure_role_over(actor, case.org)
    if not has_role_over(owner, case.org, {*STAFF_ROLES, Role.HANDLER}):
        raise DomainError(
            "invalid", _("负责人须是本工会的干部或承办人"), fields={"owner": _("请选择本工会的人")}
        )
    step = current_step(case)
    with transaction.atomic():
        held(case).update(owner=owner)
        if step:
            held(step).update(owner=owner)
        case.owner = owner
        log_action(case, "benefits.hardship.assigned", actor, {"owner": owner.pk, "note": owner.display_name})
    notify(owner, Message(_l("请办理帮扶案件 %(n)s"), n=case.number), "", f"/staff/hardship/{case.pk}/")
    return case


def case_advance(
    *,
    case: HardshipCase,
    actor,
    note: str,
    attachment=None,
    owner=None,
    level: str | None = None,
    amount: Decimal | None = None,
    fund: Fund | None = None,
) -> HardshipCase:
    """Finish the current stage with its record and open the next one, with an owner and a
    deadline. The stage moves by a conditional UPDATE: two people finishing the same stage at
    once cannot both succeed."""
    ensure_role_over(actor, case.org)
    stage = case.stage
    if stage == HardshipStage.CLOSED:
        raise Conflict("invalid_transition", _("案件已办结"))
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if not note:
        errors["note"] = _("请填写本环节的记录")
    kind = None
    if stage == HardshipStage.VERIFICATION:
        if attachment is None:
            errors["attachment"] = _("请上传会员签字的家庭经济状况核查授权书")
        else:
            try:
                kind = check_upload(attachment, field="attachment", allowed=EVIDENCE_TYPES)
            except DomainError as exc:
                errors["attachment"] = exc.fields.get("attachment", exc.message)
    if stage == HardshipStage.DECISION:
        if level not in HardshipLevel.values:
            errors["level"] = _("请选择认定等级")
        elif level != HardshipLevel.NONE:
            if reason := money_error(amount):
                errors["amount"] = reason
            elif amount is None or money(amount) <= 0:
                errors["amount"] = _("请填写帮扶金额")
            if fund is None:
                errors["fund"] = _("请选择支出经费")
            elif not case.org.path.startswith(fund.org.path):
                errors["fund"] = _("请选择本工会的经费")
    if owner is not None and not has_role_over(owner, case.org, {*STAFF_ROLES, Role.HANDLER}):
        errors["owner"] = _("负责人须是本工会的干部或承办人")
    if errors:
        raise DomainError("invalid", _("请检查本环节的记录"), fields=errors)
    following = ORDER[ORDER.index(stage) + 1]
    now = timezone.now()
    next_owner = owner or case.owner or actor
    with transaction.atomic():
        if following == HardshipStage.CLOSED:
            extra = {"closed_at": now, "due_on": None}
        else:
            extra = {"owner": next_owner, "due_on": _due(following, case.urgent)}
        if stage == HardshipStage.DECISION:
            extra |= {"level": level}
            if level != HardshipLevel.NONE:
                extra |= {"amount": money(amount), "fund": fund}
        step = current_step(case)
        HARDSHIP_FLOW.apply(
            case,
            following,
            actor=actor,
            note=str(_stage_note(stage, level)),
            action=f"benefits.hardship.{following}",
            data={"level": level},
            extra=extra,
        )
        if step is not None:
            step.done_at, step.done_by, step.note = now, actor, note
            if attachment is not None and kind:
                step.attachment = attachment
            step.save()
        if stage == HardshipStage.DECISION and level != HardshipLevel.NONE:
            fund_spend(
                fund=fund,
                amount=money(amount),
                actor=actor,
                purpose=_("专项帮扶 %(n)s") % {"n": case.number},
                member=case.member,
                case=case,
            )
        if following != HardshipStage.CLOSED:
            HardshipStep.objects.create(case=case, stage=following, owner=next_owner, due_on=case.due_on)
    if following != HardshipStage.CLOSED and next_owner.pk != actor.pk:
        notify(
            next_owner, Message(_l("请办理帮扶案件 %(n)s"), n=case.number), "", f"/staff/hardship/{case.pk}/"
        )
    if case.member.user_id:
        notify(
            case.member.user,
            Message(_l("帮扶申请进展：%(s)s"), s=HardshipStage(following).label),
            _stage_note(stage, level),
            "/care/",
        )
    return case


def _stage_note(stage: str, level: str | None) -> Message | str:
    """What the member reads in their timeline: never the internal record."""
    if stage == HardshipStage.DECISION and level:
        return Message(_l("认定结果：%(l)s"), l=HardshipLevel(level).label)
    return ""


def cases_for(user, *, stage: str = "", overdue: bool = False, q: str = ""):
    """The staff member's cases, urgent first then by deadline; narrowed by stage, overdue, and a
    case number or the member (members.selectors.person_q)."""
    qs = scope(HardshipCase.objects.select_related("member", "owner", "org"), user)
    if q.strip():
        qs = qs.filter(Q(number__icontains=q.strip()) | person_q(q, "member__"))
    if stage:
        qs = qs.filter(stage=stage)
    if overdue:
        qs = qs.filter(due_on__lt=timezone.localdate()).exclude(stage=HardshipStage.CLOSED)
    return qs


def case_get(*, user, pk: int) -> HardshipCase:
    """The member's own case, or any case in the staff member's subtree; 404 for anyone else."""
    cases = HardshipCase.objects.select_related("member__user", "org", "owner", "fund")
    case = (own(cases, user, field="member__user") | scope(cases, user)).filter(pk=pk).first()
    if case is None:
        raise NotFound()
    return case


def notice_publish(*, case: HardshipCase, actor, until: dt.date) -> HardshipNotice:
    """公示 the decision with the minimum: masked name, union, level, amount."""
    ensure_role_over(actor, case.org)
    if not case.level or case.level == HardshipLevel.NONE:
        raise Conflict("invalid_transition", _("认定后才能公示"))
    if until <= timezone.localdate():
        raise DomainError("invalid", _("公示截止日期应晚于今天"), fields={"until": _("应晚于今天")})
    text = _("%(name)s · %(org)s · %(level)s · 帮扶 %(amount)s 元") % {
        "name": mask_name(case.member.name),
        "org": case.org.name,
        "level": HardshipLevel(case.level).label,
        "amount": case.amount,
    }
    notice, _created = by_rule(HardshipNotice.objects, "the notice of the case in hand").update_or_create(
        case=case, defaults={"org": case.org.enterprise() or case.org, "text": text, "until": until}
    )
    log_action(case, "benefits.hardship.notice_published", actor, {"until": until.isoformat(), "note": ""})
    return notice


def notices_for(member: Member | None):
    """Notices in force for the member's union: those of their enterprise and the unions above."""
    return (
        above(HardshipNotice.objects, member.org if member else None)
        .filter(until__gte=timezone.localdate())
        .order_by("-published_at")
    )


def remind_due_cases(today: dt.date | None = None) -> int:
    """Tell each owner about their cases due today or overdue: a daily job, safe to run twice."""
    today = today or timezone.localdate()
    rows = (
        HardshipCase.objects.exclude(stage=HardshipStage.CLOSED)
        .filter(due_on__lte=today, owner__isnull=False)
        .values_list("owner_id", "number", "pk", "due_on")
    )
    sent = 0
    for owner_id, number, pk, due_on in rows:
        title = (_("帮扶案件 %(n)s 已超期") if due_on < today else _("帮扶案件 %(n)s 今天到期")) % {
            "n": number
        }
        ref = f"hardship:{pk}:{today.isoformat()}"
        if Notification.objects.filter(user_id=owner_id, ref=ref).exists():
            continue
        Notification.objects.create(user_id=owner_id, title=title, url=f"/staff/hardship/{pk}/", ref=ref)
        sent += 1
    return sent


# -- pairing and visits (B4) -------------------------------------------------------------------


def pairing_create(
    *, actor, cadre, member: Member, plan: str = "", case: HardshipCase | None = None
) -> Pairing:
    ensure_role_over(actor, member.org)
    if not has_role_over(cadre, member.org, {*STAFF_ROLES, Role.VOLUNTEER, Role.HANDLER}):
        raise DomainError(
            "invalid", _("结对干部须是本工会的干部或志愿者"), fields={"cadre": _("请选择本工会的人")}
        )
    if own(Pairing.objects, member).filter(cadre=cadre, ended_on__isnull=True).exists():
        raise Conflict("duplicate", _("已经结对"))
    pairing = Pairing.objects.create(
        org=member.org,
        cadre=cadre,
        member=member,
        case=case,
        plan=(plan or "").strip(),
        started_on=timezone.localdate(),
    )
    log_action(pairing, "benefits.pairing.created", actor, {"cadre": cadre.pk, "member": member.pk})
    notify(cadre, Message(_l("结对帮扶：%(name)s"), name=member.name), pairing.plan, "/staff/visits/")
    return pairing


def pairing_end(*, pairing: Pairing, actor) -> Pairing:
    ensure_role_over(actor, pairing.org)
    held(pairing).filter(ended_on__isnull=True).update(ended_on=timezone.localdate())
    pairing.refresh_from_db()
    log_action(pairing, "benefits.pairing.ended", actor, {})
    return pairing


def visit_plan(
    *, actor, member: Member, planned_on: dt.date, kind: str = VisitKind.PAIRING, visitor=None, pairing=None
) -> Visit:
    ensure_role_over(actor, member.org)
    if kind not in VisitKind.values:
        raise DomainError("invalid", _("请选择走访类型"), fields={"kind": _("请选择走访类型")})
    visit = Visit.objects.create(
        org=member.org,
        member=member,
        pairing=pairing,
        kind=kind,
        planned_on=planned_on,
        visitor=visitor or actor,
    )
    log_action(visit, "benefits.visit.planned", actor, {"planned_on": planned_on.isoformat()})
    return visit


def visit_record(*, visit: Visit, actor, visited_on: dt.date, record: str, gifts: str = "") -> Visit:
    if not (visit.visitor_id == actor.pk or has_role_over(actor, visit.org)):
        raise NotFound()
    errors = {}
    if not (record or "").strip():
        errors["record"] = _("请填写走访记录")
    if visited_on > timezone.localdate():
        errors["visited_on"] = _("走访日期不能是将来")
    if errors:
        raise DomainError("invalid", _("请检查走访记录"), fields=errors)
    visit.visited_on, visit.record, visit.gifts = visited_on, record.strip(), (gifts or "").strip()[:200]
    visit.save(update_fields=["visited_on", "record", "gifts"])
    log_action(visit, "benefits.visit.recorded", actor, {"visited_on": visited_on.isoformat()})
    return visit


def visit_evaluate(*, visit: Visit, actor, rating: int, evaluation: str = "") -> Visit:
    """The visited member (or staff after asking them) rates the visit 1–5."""
    if not (visit.member.user_id == actor.pk or has_role_over(actor, visit.org)):
        raise NotFound()
    if visit.visited_on is None:
        raise Conflict("invalid_transition", _("走访完成后才能评价"))
    if not 1 <= int(rating) <= 5:
        raise DomainError("invalid", _("请打 1 到 5 分"), fields={"rating": _("请打 1 到 5 分")})
    visit.rating, visit.evaluation = int(rating), (evaluation or "").strip()[:300]
    visit.save(update_fields=["rating", "evaluation"])
    log_action(visit, "benefits.visit.evaluated", actor, {"rating": visit.rating})
    return visit


def visit_summary(org: Org, year: int | None = None) -> dict:
    """The public display (活动公示): counts and the average rating, never a name."""
    year = year or timezone.localdate().year
    visits = within(Visit.objects, org).filter(planned_on__year=year)
    done = visits.filter(visited_on__isnull=False)
    by_kind = {row["kind"]: row["n"] for row in done.values("kind").annotate(n=Count("pk"))}
    return {
        "year": year,
        "pairings": within(Pairing.objects, org).filter(ended_on__isnull=True).count(),
        "families": done.values("member").distinct().count(),
        "planned": visits.count(),
        "done": done.count(),
        "by_kind": [(str(VisitKind(k).label), by_kind.get(k, 0)) for k in VisitKind.values],
        "rating": done.aggregate(avg=Avg("rating"))["avg"],
        "rated": done.filter(rating__isnull=False).count(),
        "cases_closed": within(HardshipCase.objects, org)
        .filter(stage=HardshipStage.CLOSED, closed_at__year=year)
        .count(),
        "cases_open": within(HardshipCase.objects, org).filter(~Q(stage=HardshipStage.CLOSED)).count(),
    }
