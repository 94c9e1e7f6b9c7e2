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
    dismiss: str = ""  # a member page's panel: the key its 不感兴趣 button sends


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


# -- the member's pages -------------------------------------------------------------------------
# The same idea for a member's pages (the home page, the activities, news and benefits lists):
# `member_panel(order, "dotted.path", places)`; the function takes the user and the place. A
# page asks for its panels after it has shown (templates/core/_member_panels_lazy.html), so
# its own few queries stay few.

MEMBER_PANELS: dict[str, tuple[int, tuple[str, ...]]] = {}
MEMBER_PLACES = ("home", "activities", "news", "benefits", "learning")


def member_panel(order: int, path: str, places: tuple[str, ...] = ("home",)) -> None:
    MEMBER_PANELS[path] = (order, places)


def member_panels_for(user, place: str) -> list[Panel]:
    if not getattr(user, "is_authenticated", False):
        return []
    out = []
    for path, (_order, places) in sorted(MEMBER_PANELS.items(), key=lambda kv: kv[1][0]):
        if place in places and (made := import_string(path)(user, place)) is not None:
            out.append(made)
    return out
