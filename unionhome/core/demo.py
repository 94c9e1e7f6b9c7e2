"""The demo union, built by the apps together (`unionhome demo`).

Each app adds its part from its AppConfig.ready with `step(order, "module.function")`; the
command runs the parts in order, each with the same `context` dict: the members' part puts the
demo accounts and the unions in it (`accounts`, `enterprise`, `other`), the later parts read them.
The kernel names no app: a new app brings its demo along by registering a step."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.module_loading import import_string

STEPS: dict[str, int] = {}


def step(order: int, path: str) -> None:
    """Run the function at dotted `path` as part `order` of the demo (lower first)."""
    STEPS[path] = order


def build() -> dict:
    """Build every registered part, in order; running it twice changes nothing."""
    context: dict = {}
    for path in sorted(STEPS, key=STEPS.__getitem__):
        part: Callable[[dict], object] = import_string(path)
        part(context)
    return context
