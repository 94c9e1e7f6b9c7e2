"""The register of matters (F2, seed 002 §3.3): every matter of the members' interest on a track
that can be queried, held to account and re-checked.

Each kind has its procedure, in order; a step cannot be skipped, and a step that is a vote is
done only by a poll of the congress (or the members) whose result, after its close, adopted
every item — so an office meeting's minutes can never stand in for the congress's vote. The
minutes or attachment of each step are archived with it; the answer owed to members has a date,
and overdue answers show on the chair's list."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionhome.core.errors import Conflict, DomainError, refuse
from unionhome.core.models import Org
from unionhome.core.scoping import by_rule, held, within

from . import polls
from .models import Congress, Matter, MatterKind, MatterStep, Poll


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    vote: bool = False


PROCEDURES = {
    MatterKind.DELIBERATION: [
        Step("collect", _("代表征集意见")), Step("explain", _("议题说明")), Step("review", _("文本预审")),
        Step("prepare", _("表决准备")), Step("vote", _("大会表决"), vote=True), Step("publish", _("公布结果")),
    ],
    MatterKind.NEGOTIATION: [
        Step("offer", _("提出协商要约")), Step("meet", _("协商会议")), Step("vote", _("草案审议表决"), vote=True),
        Step("sign", _("签订")), Step("file", _("报送备案")),
    ],
    MatterKind.DISCLOSURE: [
        Step("draft", _("起草")), Step("check", _("审核")), Step("publish", _("公开")), Step("answer", _("答复职工疑问")),
    ],
}  # fmt: skip


def steps(matter: Matter) -> list[Step]:
    return PROCEDURES[MatterKind(matter.kind)]


def signed(matter: Matter) -> bool:
    """A negotiation whose signing (签订) is recorded."""
    return "sign" in [step.code for step in steps(matter)[: matter.done_steps]]


def next_step(matter: Matter) -> Step | None:
    todo = steps(matter)
    return todo[matter.done_steps] if matter.done_steps < len(todo) else None


def matter_create(*, org: Org, data: dict) -> Matter:
    errors = {}
    title = str(data.get("title") or "").strip()
    if not title or len(title) > 160:
        errors["title"] = _("请填写事项（最多 160 字）")
    if data.get("kind") not in MatterKind.values:
        errors["kind"] = _("类型应为 deliberation、negotiation 或 disclosure")
    refuse(errors)
    congress = None
    if data.get("congress"):
        congress = within(Congress.objects, org).filter(pk=data["congress"]).first()
        if congress is None:
            raise DomainError("invalid", _("没有这次职代会"), fields={"congress": _("没有这次职代会")})
    return Matter.objects.create(
        org=org, congress=congress, kind=data["kind"], title=title, summary=str(data.get("summary") or "").strip()[:5000],
        answer_due=data.get("answer_due"),
    )  # fmt: skip


def step_done(
    *, matter: Matter, by, step: str, note: str, attachment=None, poll: int | None = None, now=None
) -> Matter:
    """Record the next step of the matter's procedure (only the next: none is skipped)."""
    now = now or timezone.now()
    expected = next_step(matter)
    if expected is None:
        raise Conflict("finished", _("这件事项的程序已经走完"))
    if step != expected.code:
        raise Conflict("out_of_order", _("下一步应是“%(s)s”，不能跳过") % {"s": expected.label})
    note = (note or "").strip()[:10000]
    if not note:
        raise DomainError("invalid", _("请写本步的纪要或说明"), fields={"note": _("必填")})
    chosen = None
    if expected.vote:
        chosen = within(Poll.objects, matter.org).filter(pk=poll or 0).first()
        if chosen is None:
            raise DomainError(
                "no_vote", _("这一步需要一次表决：请选择已结束的表决"), fields={"poll": _("需要表决")}
            )
        try:
            result = polls.result(chosen, now)
        except Conflict:
            raise DomainError("no_vote", _("表决还没有结束"), fields={"poll": _("表决还没有结束")}) from None
        if not result["quorum_met"] or not all(result["adopted"].values()):
            raise DomainError(
                "not_adopted", _("表决没有通过，不能记为通过"), fields={"poll": _("表决没有通过")}
            )
    with transaction.atomic():
        if (
            not held(matter)
            .filter(done_steps=matter.done_steps)
            .update(
                done_steps=matter.done_steps + 1,
                poll=chosen or matter.poll,
                finished_at=now if matter.done_steps + 1 == len(steps(matter)) else None,
                answered_at=now if expected.code == "answer" else matter.answered_at,
            )
        ):
            raise Conflict("out_of_order", _("这一步刚被别人记录了，请刷新"))
        MatterStep.objects.create(
            org=matter.org,
            matter=matter,
            step=expected.code,
            note=note,
            attachment=attachment or "",
            done_by=by,
        )
    matter.refresh_from_db()
    return matter


def search(org: Org, q: str = "") -> list[Matter]:
    found = within(Matter.objects, org)
    q = (q or "").strip()[:50]
    if q:
        found = found.filter(
            Q(title__icontains=q) | Q(summary__icontains=q) | Q(steps__note__icontains=q)
        ).distinct()
    return list(found.order_by("-created_at")[:200])


def overdue(org: Org, today=None) -> list[Matter]:
    """Matters whose answer to the members is past its date and not given."""
    today = today or timezone.localdate()
    return list(
        within(Matter.objects, org)
        .filter(answer_due__lt=today, answered_at__isnull=True)
        .order_by("answer_due")
    )


def archive(matter: Matter) -> list[tuple[Step, MatterStep | None]]:
    done = {
        s.step: s for s in by_rule(MatterStep.objects, "the steps of a matter in hand").filter(matter=matter)
    }
    return [(s, done.get(s.code)) for s in steps(matter)]
