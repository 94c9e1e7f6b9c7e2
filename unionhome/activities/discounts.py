"""Member discounts (C7) from member enterprises."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from unionhome.core.audit import log_action
from unionhome.core.bounds import day_error
from unionhome.core.errors import DomainError
from unionhome.core.models import Org
from unionhome.core.scoping import ensure_role_over

from .models import (
    Discount,
    DiscountCategory,
)
from .services import TITLE_MAX, _text

# -- discounts ---------------------------------------------------------------------------------


def discount_save(*, actor, org: Org, data: dict, discount: Discount | None = None) -> Discount:
    ensure_role_over(actor, discount.org if discount else org)
    errors: dict[str, str] = {}
    fields = {
        "merchant": _text(data, "merchant", errors, limit=100),
        "title": _text(data, "title", errors, limit=TITLE_MAX),
        "description": _text(data, "description", errors, limit=2000, required=False),
        "address": _text(data, "address", errors, limit=200, required=False),
        "phone": _text(data, "phone", errors, limit=30, required=False),
        "category": data.get("category") or "",
    }
    if fields["category"] not in DiscountCategory.values:
        errors["category"] = _("没有这个类别")
    dates = {}
    for key in ("valid_from", "valid_until"):
        value = data.get(key)
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                value = None
        if not isinstance(value, dt.date):
            errors[key] = _("日期格式应为 2024-03-01")
        elif reason := day_error(value):
            errors[key] = reason
        dates[key] = value
    if not errors and dates["valid_until"] < dates["valid_from"]:
        errors["valid_until"] = _("截止日期不能早于开始日期")
    if errors:
        raise DomainError("invalid", _("请检查标出的内容"), fields=errors)
    discount = discount or Discount(org=org)
    for name, value in {**fields, **dates}.items():
        setattr(discount, name, value)
    discount.save()
    log_action(discount, "activities.discount.saved", actor)
    return discount
