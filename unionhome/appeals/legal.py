"""Legal services (A11): contract consultation, legal-aid application with its eligibility
questions, mediation with an agreement record, and for wage arrears, unpaid insurance and excess
overtime the evidence checklist and the escalation ladder 提示 → 会商 → 发函 → 整改复核 → 移交
(002 §3.3), each step dated and taken in order."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionhome.core.audit import log_action
from unionhome.core.errors import Conflict, DomainError, NotFound
from unionhome.core.scoping import ensure_role_over, own, scope
from unionhome.core.workflow import Workflow

from .models import LADDER, LadderStep, LegalCase, LegalKind, LegalStatus, LegalStepRecord, RightsIssue

# Legal aid from the union (工会法律援助): the questions decide whether the case is taken.
AID_QUESTIONS = [
    ("is_member", gettext_lazy("您是工会会员吗？")),
    ("labour_dispute", gettext_lazy("是否属于与用人单位之间的劳动争议（工资、合同、工伤、社保等）？")),
    ("financial_hardship", gettext_lazy("是否经济困难，或属于追索劳动报酬、工伤赔偿的情形？")),
    ("within_limit", gettext_lazy("争议发生是否在一年仲裁时效以内？")),
]

EVIDENCE = {
    RightsIssue.WAGE_ARREARS: [
        ("attendance", gettext_lazy("考勤记录或排班表")),
        ("payslips", gettext_lazy("工资条或银行流水")),
        ("contract", gettext_lazy("劳动合同或工牌、工作证明")),
        ("arrears_list", gettext_lazy("欠薪人员名单和金额")),
    ],
    RightsIssue.UNPAID_INSURANCE: [
        ("insurance_record", gettext_lazy("社保缴费记录（社保 APP 或窗口打印）")),
        ("payslips", gettext_lazy("工资条（看是否代扣社保）")),
        ("contract", gettext_lazy("劳动合同")),
    ],
    RightsIssue.EXCESS_OVERTIME: [
        ("attendance", gettext_lazy("考勤记录或打卡记录")),
        ("schedule", gettext_lazy("排班表或加班通知")),
        ("payslips", gettext_lazy("工资条（加班费发放情况）")),
        ("post_notice", gettext_lazy("岗位告知或作业现场资料")),
    ],
}


# A case is open until it is closed, by its mediation agreement or by staff; a closed case is
# not closed twice (one conditional UPDATE, core.workflow).
LEGAL_FLOW = Workflow("appeals.legal", {"close": ({LegalStatus.OPEN}, LegalStatus.CLOSED)})


def aid_eligible(answers: dict) -> bool:
    return all(bool(answers.get(key)) for key, _label in AID_QUESTIONS)


def legal_case_open(
    *,
    actor,
    kind: str,
    summary: str,
    member=None,
    issue: str = "",
    eligibility: dict | None = None,
    appeal=None,
) -> LegalCase:
    """A member asks for themselves; staff open a case for a member of their subtree."""
    from unionhome.members.selectors import require_active_member

    if kind not in LegalKind.values:
        raise DomainError("invalid", _("请选择服务类型"), fields={"kind": _("请选择")})
    summary = (summary or "").strip()
    if len(summary) < 5:
        raise DomainError("invalid", _("请说明情况"), fields={"summary": _("至少 5 个字")})
    if kind == LegalKind.RIGHTS and issue not in RightsIssue.values:
        raise DomainError("invalid", _("请选择维权事项"), fields={"issue": _("请选择")})
    if member is None:
        member = require_active_member(actor)
        org = member.org
    else:
        org = member.org
        ensure_role_over(actor, org)
    answers = (
        {k: bool((eligibility or {}).get(k)) for k, _l in AID_QUESTIONS}
        if kind == LegalKind.LEGAL_AID
        else {}
    )
    case = LegalCase.objects.create(
        org=org,
        member=member,
        appeal=appeal,
        kind=kind,
        issue=issue if kind == LegalKind.RIGHTS else "",
        summary=summary[:4000],
        eligibility=answers,
        eligible=aid_eligible(answers) if kind == LegalKind.LEGAL_AID else None,
        evidence={k: False for k, _l in EVIDENCE.get(issue, [])} if kind == LegalKind.RIGHTS else {},
        created_by=actor,
    )
    log_action(case, "appeals.legal.opened", actor, {"kind": kind, "note": ""}, timeline=True)
    return case


def case_get(user, pk: int) -> LegalCase:
    """A case, to the member it is for and to staff over its union; NotFound for anyone else."""
    cases = LegalCase.objects.select_related("org", "member")
    case = (own(cases, user, field="member__user") | scope(cases, user)).filter(pk=pk).first()
    if case is None:
        raise NotFound()
    return case


def evidence_set(case: LegalCase, *, actor, collected: dict[str, bool]) -> LegalCase:
    ensure_role_over(actor, case.org)
    known = {k for k, _l in EVIDENCE.get(case.issue, [])}
    case.evidence = {k: bool(collected.get(k, case.evidence.get(k))) for k in known}
    case.save(update_fields=["evidence"])
    log_action(case, "appeals.legal.evidence", actor, {"evidence": case.evidence})
    return case


def ladder_next(case: LegalCase) -> str | None:
    done = set(case.steps.values_list("step", flat=True))
    return next((s for s in LADDER if s not in done), None)


def ladder_step(
    case: LegalCase, *, actor, step: str, on: dt.date | None = None, note: str = ""
) -> LegalStepRecord:
    """Record the next step of the ladder. Steps are taken in order; the letter (发函) needs the
    evidence fixed first, as 002 §3.3 asks."""
    ensure_role_over(actor, case.org)
    if case.kind != LegalKind.RIGHTS:
        raise Conflict("invalid_transition", _("只有维权事项有升级步骤"))
    expected = ladder_next(case)
    if step != expected:
        raise Conflict(
            "out_of_order",
            _("请按顺序办理，下一步是：%(s)s") % {"s": LadderStep(expected).label if expected else _("无")},
        )
    if step in (LadderStep.LETTER, LadderStep.REVIEW, LadderStep.HANDOVER) and not all(
        case.evidence.values()
    ):
        raise Conflict("evidence_missing", _("请先固定全部证据材料"))
    on = on or timezone.localdate()
    last = case.steps.order_by("-on").values_list("on", flat=True).first()
    if on > timezone.localdate() or (last is not None and on < last):
        raise DomainError("invalid", _("日期不正确"), fields={"on": _("不能早于上一步，也不能晚于今天")})
    record = LegalStepRecord.objects.create(case=case, step=step, on=on, note=(note or "")[:500], actor=actor)
    log_action(
        case,
        f"appeals.legal.{step}",
        actor,
        {"note": record.note, "on": record.on.isoformat()},
        timeline=True,
    )
    return record


def mediation_record(
    case: LegalCase, *, actor, agreement: str, signed_on: dt.date | None = None
) -> LegalCase:
    ensure_role_over(actor, case.org)
    if case.kind != LegalKind.MEDIATION:
        raise Conflict("invalid_transition", _("只有调解案件需要协议"))
    agreement = (agreement or "").strip()
    if len(agreement) < 5:
        raise DomainError("invalid", _("请填写调解协议内容"), fields={"agreement": _("至少 5 个字")})
    return LEGAL_FLOW.apply(
        case,
        "close",
        actor=actor,
        note=_("已达成调解协议"),
        action="appeals.legal.agreement",
        extra={"agreement": agreement[:8000], "agreement_signed_on": signed_on or timezone.localdate()},
    )


def case_close(case: LegalCase, *, actor, note: str = "") -> LegalCase:
    ensure_role_over(actor, case.org)
    return LEGAL_FLOW.apply(case, "close", actor=actor, note=note, action="appeals.legal.closed")
