"""Declared states and transitions for anything that moves through a process.

    JOIN_FLOW = Workflow("members.join", {
        "approve": ({"submitted"}, "approved"),
        "reject": ({"submitted"}, "rejected"),
    })
    JOIN_FLOW.apply(application, "approve", actor=staff, note="…")

`apply` moves the row with a conditional UPDATE (zero rows changed means someone else moved it
first), and writes the transition to the audit log, which is also the record's timeline."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from .audit import log_action
from .errors import Conflict


@dataclass(frozen=True)
class Workflow:
    name: str
    transitions: dict[str, tuple[frozenset[str] | set[str], str]]
    field: str = "status"

    def allowed(self, obj: models.Model) -> list[str]:
        current = getattr(obj, self.field)
        return [name for name, (sources, _) in self.transitions.items() if current in sources]

    def can(self, obj: models.Model, transition: str) -> bool:
        return transition in self.allowed(obj)

    def apply(
        self,
        obj: models.Model,
        transition: str,
        *,
        actor,
        note: str = "",
        data: dict | None = None,
        action: str | None = None,
        extra: dict | None = None,
    ) -> models.Model:
        """Move `obj` by `transition`, setting `extra` fields in the same UPDATE."""
        sources, target = self.transitions[transition]
        current = getattr(obj, self.field)
        if current not in sources:
            raise Conflict("invalid_transition", gettext("当前状态不能执行此操作"))
        changes = {self.field: target, **(extra or {})}
        if any(f.name == "updated_at" for f in obj._meta.fields):
            changes["updated_at"] = timezone.now()
        with transaction.atomic():
            moved = type(obj)._base_manager.filter(pk=obj.pk, **{self.field: current}).update(**changes)
            if moved == 0:
                raise Conflict("conflict", gettext("该记录已被他人处理，请刷新后查看"))
            for key, value in changes.items():
                setattr(obj, key, value)
            log_action(
                obj,
                action or f"{self.name}.{target}",
                actor,
                {"from": current, "to": target, "note": note, **(data or {})},
                timeline=True,
            )
        return obj
