"""`{% page_url page n %}`: the link to page `n` of a list, keeping the list's search and filters
and any other list's page on the same screen (each list has its own parameter, core.paging)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, page, number) -> str:
    query = context["request"].GET.copy()
    query[getattr(page, "param", "page")] = number
    return "?" + query.urlencode()
