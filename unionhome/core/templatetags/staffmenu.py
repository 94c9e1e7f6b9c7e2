"""`{% staff_menu %}`: the workbench menu (core.staffmenu)."""

from __future__ import annotations

from django import template

from unionhome.core.staffmenu import staff_menu

register = template.Library()


@register.inclusion_tag("staff/_menu.html", takes_context=True, name="staff_menu")
def staff_menu_tag(context):
    return {"groups": staff_menu(context["request"])}
