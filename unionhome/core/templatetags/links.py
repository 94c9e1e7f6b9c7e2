"""`{{ value|safe_link }}`: a stored link, or nothing when it would leave the site (core.links)."""

from __future__ import annotations

from django import template

from unionhome.core.links import link_or

register = template.Library()


@register.filter(name="safe_link")
def safe_link_filter(value) -> str:
    return link_or(value if isinstance(value, str) else None)
