"""Dispatch (会办单, A4): an appeal sent to departments in order, each with a feedback deadline and
the evidence it must bring; a department's handler answers, the next is asked, and when all have
answered the appeal returns to its owner to reply and close."""

from __future__ import annotations

from django.db import transaction
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

from .models import (
    Appeal,
    Attachment,
    Dispatch,
    DispatchStatus,
    Status,
)
from .services import APPEAL_FLOW, _tell_member, ensure_staff, is_staff_for


def appeal_dispatch(appeal: Appeal, *, actor, steps: list[dict]) -> list[Dispatch]:
    """Send to departments in order. Each step: {"department", "workdays" or "due_on", "evidence"}."""
    ensure_staff(actor, appeal)
    if not steps:
        raise DomainError("invalid", _("请至少选择一个承办部门"), fields={"steps": _("必填")})
    calendar = WorkdayCalendar()
    today = timezone.localdate()
    rows = []
    for i, step in enumerate(steps):
        department = (step.get("department") or "").strip()
        if not department:
            raise DomainError("invalid", _("请填写承办部门"), fields={f"steps.{i}.department": _("必填")})
        due_on = step.get("due_on") or calendar.workdays_after(today, int(step.get("workdays") or 2))
        rows.append(
            Dispatch(
                appeal=appeal,
                round=appeal.round,
                position=i + 1,
                department=department[:50],
                due_on=due_on,
                evidence_required=(step.get("evidence") or "")[:300],
                status=DispatchStatus.PENDING if i == 0 else DispatchStatus.WAITING,
            )
        )
    with transaction.atomic():
        APPEAL_FLOW.apply(
            appeal,
            "dispatch",
            actor=actor,
            note=_("已转 %(d)s 会办") % {"d": "、".join(r.department for r in rows)},
            data={"departments": [r.department for r in rows]},
        )
        appeal.dispatches.filter(round=appeal.round).delete()
        Dispatch.objects.bulk_create(rows)
        _tell_department(appeal, rows[0])
    _tell_member(appeal, Message(_l("诉求 %(n)s 已转相关部门会办"), n=appeal.number))
    return list(appeal.dispatches.filter(round=appeal.round))


def _tell_department(appeal: Appeal, step: Dispatch) -> None:
    for handler in holders_over(appeal.org, [Role.HANDLER], department=step.department):
        notify(
            handler,
            Message(_l("会办单 %(n)s 请于 %(due)s 前反馈"), n=appeal.number, due=step.due_on.isoformat()),
            step.evidence_required,
            url=f"/handler/{step.pk}/",
        )


def handler_departments(user) -> list[tuple[str, str]]:
    """(org path, department) pairs where `user` is a department handler."""
    from unionhome.core.scoping import role_grants

    return [(path, dept) for role, path, dept in role_grants(user) if role == Role.HANDLER and dept]


def dispatch_answer(step: Dispatch, *, actor, answer: str, files: list | None = None) -> Dispatch:
    """A department's feedback; the next department in order is asked, and when all have
    answered the appeal returns to its owner to reply and close."""
    appeal = step.appeal
    if not any(
        appeal.org.path.startswith(path) and dept == step.department
        for path, dept in handler_departments(actor)
    ) and not is_staff_for(actor, appeal):
        raise NotFound()
    answer = (answer or "").strip()
    if len(answer) < 2:
        raise DomainError("invalid", _("请填写反馈意见"), fields={"answer": _("必填")})
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
        log_action(appeal, "appeals.dispatch.answered", actor, {"department": step.department}, timeline=True)
        following = (
            appeal.dispatches.filter(round=step.round, status=DispatchStatus.WAITING)
            .order_by("position")
            .first()
        )
        if following is not None:
            following.status = DispatchStatus.PENDING
            following.save(update_fields=["status"])
            _tell_department(appeal, following)
        elif appeal.status == Status.DISPATCHED:
            APPEAL_FLOW.apply(
                appeal, "answered", actor=actor, note=_("各部门均已反馈"), action="appeals.appeal.answered"
            )
            if appeal.owner_id:
                notify(
                    appeal.owner,
                    Message(_l("诉求 %(n)s 各部门已反馈，请答复职工"), n=appeal.number),
                    url=f"/staff/appeals/{appeal.pk}/",
                )
    step.refresh_from_db()
    return step
