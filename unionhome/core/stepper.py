"""Where a member's request stands, as a row of steps (提交 → 受理 → 办理 → 答复 → 评价): the
steps done, the one in hand, the ones to come. One shape for appeals, claims and cases."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    label: str
    state: str  # "done", "current" or "todo"


def steps(labels: list, reached: int, *, ended: str | None = None) -> list[Step]:
    """`reached`: how many steps are done (the next is current; all done when it is the count).
    `ended`: a label that replaces the current step when the request stopped short (未批准)."""
    out = []
    for i, label in enumerate(labels):
        if i < reached:
            out.append(Step(str(label), "done"))
        elif i == reached:
            out.append(Step(str(ended or label), "ended" if ended else "current"))
        else:
            out.append(Step(str(label), "todo"))
    return out
