"""How a figure reads on a page: a rate as a percentage, a cycle in days, nothing as a dash."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def shown(value, key: str = "") -> str:
    if value is None:
        return "—"
    if key == "cycle_days":
        return f"{value:.1f}"
    return f"{value * 100:.1f}%"


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None
