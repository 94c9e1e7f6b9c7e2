"""Dispatch (会办单, A4): an appeal sent to departments in order, each with a feedback deadline and
the evidence it must bring; a department's handler answers, the next is asked, and when all have
answered the appeal returns to its owner to reply and close."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from unionhome.core.audit import log_action
from unionhome.core.errors import Conflict, DomainError, NotFound
from unionhome.core.models import Role
from unionhome.core.notifications import Message, notify
from unionhome.core.scoping import held, holders_over
from unionhome.core.uploads import EVIDENCE_TYPES, check_upload
from unionhome.core.workdays import WorkdayCalendar
from unionhome.members.departments import (
    department_problem,
    departments_over,
    handler_counts,
    handler_departments,
)

from .models import (
    OPEN_STEPS,
    Appeal,
    Attachment,
    Dispatch,
    DispatchStatus,
    Status,
)
from .services import APPEAL_FLOW, _tell_member, ensure_staff, is_staff_for


def appeal_dispatch(appeal: Appeal, *, actor, steps: list[dict]) -> list[Dispatch]:
    """Send to departments in order. Each step: {"department", "workdays" or "due_on", "evidence"}.
    A department must be on the union's list and have a handler: a step sent to nobody would
    hold the appeal open forever. Steps of earlier dispatches in the round are kept."""
    ensure_staff(actor, appeal)
    if not steps:
        raise DomainError("invalid", _("请至少选择一个承办部门"), fields={"steps": _("必填")})
    calendar = WorkdayCalendar()
    today = timezone.localdate()
    known = {d.name: d for d in departments_over(appeal.org)}
    staffed = handler_counts(known.values())
    names = [(step.get("department") or "").strip() for step in steps]
    for i, name in enumerate(names):
        if reason := department_problem(name, known, staffed):
            raise DomainError("invalid", reason, fields={f"steps.{i}.department": reason})
    if len(set(names)) < len(names):
        raise DomainError("invalid", _("同一个部门只需选一次"), fields={"steps": _("部门重复")})
    with transaction.atomic():
        APPEAL_FLOW.apply(
            appeal,
            "dispatch",
            actor=actor,
            note=_("已转 %(d)s 会办") % {"d": "、".join(names)},
            data={"departments": names},
        )
        after = appeal.dispatches.filter(round=appeal.round).aggregate(last=Max("position"))["last"] or 0
        rows = [
            Dispatch(
                appeal=appeal,
                round=appeal.round,
                position=after + i + 1,
                department=name,
                due_on=step.get("due_on") or calendar.workdays_after(today, int(step.get("workdays") or 2)),
                evidence_required=(step.get("evidence") or "")[:300],
                status=DispatchStatus.PENDING if i == 0 else DispatchStatus.WAITING,
            )
            for i, (name, step) in enumerate(zip(names, steps, strict=True))
        ]
        Dispatch.objects.bulk_create(rows)
        first = appeal.dispatches.get(round=appeal.round, position=after + 1)
        _tell_department(appeal, first)
    _tell_member(appeal, Message(_l("诉求 %(n)s 已转相关部门会办"), n=appeal.number))
    return list(appeal.dispatches.filter(round=appeal.round, position__gt=after))


def _tell_department(appeal: Appeal, step: Dispatch) -> None:
    for handler in holders_over(appeal.org, [Role.HANDLER], department=step.department):
        notify(
            handler,
            Message(_l("会办单 %(n)s 请于 %(due)s 前反馈"), n=appeal.number, due=step.due_on.isoformat()),
            step.evidence_required,
            url=f"/handler/{step.pk}/",
        )


def is_handler_for(user, step: Dispatch) -> bool:
    return any(
        step.appeal.org.path.startswith(path) and dept == step.department
        for path, dept in handler_departments(user)
    )


def dispatch_answer(step: Dispatch, *, actor, answer: str, files: list | None = None) -> Dispatch:
    """A department's feedback; the next department in order is asked, and when all have
    answered the appeal returns to its owner to reply and close. Staff may answer on the
    department's behalf (it is marked so, and `answer` says what the department said and how)."""
    appeal = step.appeal
    for_department = not is_handler_for(actor, step)
    if for_department and not is_staff_for(actor, appeal):
        raise NotFound()
    answer = (answer or "").strip()
    if len(answer) < 2:
        reason = _("请说明部门的意见和代为反馈的原因") if for_department else _("请填写反馈意见")
        raise DomainError("invalid", reason, fields={"answer": _("必填")})
    files = files or []
    kinds = [check_upload(f, field="files", allowed=EVIDENCE_TYPES) for f in files]
    with transaction.atomic():
        moved = (
            held(step)
            .filter(status=DispatchStatus.PENDING)
            .update(
                status=DispatchStatus.ANSWERED,
                answer=answer[:4000],
                answered_by=actor,
                answered_at=timezone.now(),
                answered_for=for_department,
            )
        )
        if not moved:
            raise Conflict("conflict", _("该会办单当前不能反馈"))
        for upload, kind in zip(files, kinds, strict=True):
            Attachment.objects.create(
                appeal=appeal,
                dispatch=step,
                file=upload,
                content_type=kind,
                size=upload.size,
                uploaded_by=actor,
            )
        log_action(
            appeal,
            "appeals.dispatch.answered_for" if for_department else "appeals.dispatch.answered",
            actor,
            {"department": step.department},
            timeline=True,
        )
        _next_step(appeal, step.round, actor)
    step.refresh_from_db()
    return step


def dispatch_withdraw(step: Dispatch, *, actor, reason: str) -> Dispatch:
    """Staff take back a step not yet answered (sent by mistake, the matter settled another way).
    The next department in order is asked; with none left the appeal returns to its owner."""
    appeal = step.appeal
    ensure_staff(actor, appeal)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DomainError("invalid", _("请说明撤回原因"), fields={"reason": _("请说明撤回原因")})
    with transaction.atomic():
        moved = (
            held(step)
            .filter(status__in=OPEN_STEPS)
            .update(status=DispatchStatus.WITHDRAWN, note=reason[:300])
        )
        if not moved:
            raise Conflict("conflict", _("该会办单已反馈或已撤回"))
        log_action(
            appeal,
            "appeals.dispatch.withdrawn",
            actor,
            {"department": step.department, "reason": reason[:300]},
            timeline=True,
        )
        if step.status == DispatchStatus.PENDING:
            _next_step(appeal, step.round, actor)
    step.refresh_from_db()
    return step


def dispatch_resend(step: Dispatch, *, actor, department: str, workdays: int = 2) -> Dispatch:
    """Send a step not yet answered again: to another department on the list (改派), or to the same
    one with a new deadline (催办). Its handlers are told again when it is their turn."""
    appeal = step.appeal
    ensure_staff(actor, appeal)
    department = (department or "").strip()
    known = {d.name: d for d in departments_over(appeal.org)}
    if reason := department_problem(department, known, handler_counts(known.values())):
        raise DomainError("invalid", reason, fields={"department": reason})
    if (
        department != step.department
        and appeal.dispatches.filter(round=step.round, department=department, status__in=OPEN_STEPS).exists()
    ):
        reason = _("“%(d)s”已在本轮会办中") % {"d": department}
        raise DomainError("invalid", reason, fields={"department": reason})
    due_on = WorkdayCalendar().workdays_after(timezone.localdate(), max(1, min(int(workdays), 30)))
    before = step.department
    with transaction.atomic():
        moved = (
            held(step)
            .filter(status__in=OPEN_STEPS)
            .update(department=department, due_on=due_on, reminded_on=None)
        )
        if not moved:
            raise Conflict("conflict", _("该会办单已反馈或已撤回"))
        log_action(
            appeal,
            "appeals.dispatch.resent",
            actor,
            {"from": before, "to": department, "due_on": due_on.isoformat()},
            timeline=True,
        )
        step.refresh_from_db()
        if step.status == DispatchStatus.PENDING:
            _tell_department(appeal, step)
    return step


def _next_step(appeal: Appeal, round_: int, actor) -> None:
    """After a step is answered or withdrawn: ask the next department waiting in the round, or,
    with none left, hand the appeal back to its owner to reply and close."""
    following = (
        appeal.dispatches.filter(round=round_, status=DispatchStatus.WAITING).order_by("position").first()
    )
    if following is not None:
        following.status = DispatchStatus.PENDING
        following.save(update_fields=["status"])
        _tell_department(appeal, following)
        return
    if appeal.dispatches.filter(round=round_, status__in=OPEN_STEPS).exists():
        return
    appeal.refresh_from_db(fields=["status"])
    if appeal.status != Status.DISPATCHED:
        return
    some_withdrawn = appeal.dispatches.filter(round=round_, status=DispatchStatus.WITHDRAWN).exists()
    action = "appeals.appeal.dispatch_ended" if some_withdrawn else "appeals.appeal.answered"
    APPEAL_FLOW.apply(appeal, "answered", actor=actor, note=_("会办已结束，请答复职工"), action=action)

    if appeal.owner_id:
        notify(
            appeal.owner,
            Message(_l("诉求 %(n)s 会办已结束，请答复职工"), n=appeal.number),
            url=f"/staff/appeals/{appeal.pk}/",
        )
