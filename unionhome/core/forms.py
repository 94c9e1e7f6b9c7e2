from __future__ import annotations

from django import forms

from .bounds import id_value
from .errors import DomainError


def add_domain_error(form: forms.Form, exc: DomainError, *, field_map: dict[str, str] | None = None) -> None:
    """Show a service's refusal on the form, each reason next to its field; the typed values stay."""
    field_map = field_map or {}
    placed = False
    for name, reason in exc.fields.items():
        target = field_map.get(name, name)
        if target in form.fields:
            form.add_error(target, reason)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def int_param(value) -> int:
    """A record id from a form or query string; anything that is not one — negative, not a number,
    or beyond what a row's key can be — finds nothing (0)."""
    return id_value(value) or 0
