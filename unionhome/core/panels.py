"""The chair's desk (主席工作台): what needs the chair today, gathered from every app. Each app
registers its panels from its AppConfig.ready (`panel(order, "dotted.path")`); a panel is a
function of the user that returns a `Panel`, or None when it has nothing for them. The kernel
shows them and imports no app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import import_string

PANELS: dict[str, int] = {}


@dataclass
class Row:
    label: str
    url: str = ""
    note: str = ""
    urgent: bool = False


@dataclass
class Panel:
    title: str
    rows: list[Row] = field(default_factory=list)
    total: int | None = None  # more than the rows shown
    more_url: str = ""
    empty: str = ""


def panel(order: int, path: str) -> None:
    """Show the panel made by the function at dotted `path`, in `order` (lower first)."""
    PANELS[path] = order


def panels_for(user) -> list[Panel]:
    out = []
    for path in sorted(PANELS, key=PANELS.__getitem__):
        make: Callable[[object], Panel | None] = import_string(path)
        if (made := make(user)) is not None:
            out.append(made)
    return out
