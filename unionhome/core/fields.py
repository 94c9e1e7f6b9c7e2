"""A value's limits are declared once, on its model field — `max_length`, and for a number
`MinValueValidator` / `MaxValueValidator` — and the edges read them from there: `form_field()`
for a page's form, `schema_field()` for an API schema. Neither repeats a number, so the page and
the API refuse the same values with the model's own words, and the service behind them takes
typed values and keeps only the rules that span fields (an end after its start, a place or a
link)."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from ninja import Schema
from pydantic import ConfigDict, Field
from pydantic.fields import FieldInfo


def value_range(field: models.Field) -> tuple[int | None, int | None]:
    """The bounds a number field declares (not the database's, which differ by backend)."""
    low = high = None
    for validator in field.deconstruct()[3].get("validators", []):
        if isinstance(validator, MinValueValidator):
            low = validator.limit_value
        elif isinstance(validator, MaxValueValidator):
            high = validator.limit_value
    return low, high


def _text(field: models.Field) -> bool:
    return isinstance(field, (models.CharField, models.TextField))


def form_field(model: type[models.Model], name: str, **overrides) -> forms.Field:
    """The model field's form field (its label, length, whether it is required) with its range.
    A link is typed as text: what a link must look like is the service's rule, for both edges."""
    field = model._meta.get_field(name)
    extra: dict = {}
    low, high = value_range(field)
    if low is not None:
        extra["min_value"] = low
    if high is not None:
        extra["max_value"] = high
    if isinstance(field, models.URLField):
        extra["form_class"] = forms.CharField
    return field.formfield(**extra | overrides)


def schema_field(model: type[models.Model], name: str, **overrides) -> FieldInfo:
    """The same limits for a Ninja schema: required unless blank or defaulted (then "" for
    text), at least one character when required text, at most `max_length`, within the range."""
    field = model._meta.get_field(name)
    required = not field.blank and not field.has_default()
    if required:
        default = ...
    elif field.has_default():
        default = field.get_default()
    else:
        default = "" if _text(field) else None
    limits: dict = {}
    if _text(field):
        if field.max_length:
            limits["max_length"] = field.max_length
        if required:
            limits["min_length"] = 1
    low, high = value_range(field)
    if low is not None:
        limits["ge"] = low
    if high is not None:
        limits["le"] = high
    return Field(default, **limits | overrides)


class InSchema(Schema):
    """The base of a schema a caller writes: text arrives trimmed, as a form's does, so "  " is
    as empty on the API as on the page."""

    model_config = ConfigDict(str_strip_whitespace=True)
