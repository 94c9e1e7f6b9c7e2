"""Member discounts (C7) from member enterprises."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from unionhome.core.audit import log_action
from unionhome.core.errors import refuse
from unionhome.core.models import Org
from unionhome.core.scoping import ensure_role_over

from .models import (
    Discount,
)

# -- discounts ---------------------------------------------------------------------------------


def discount_save(
    *,
    actor,
    org: Org,
    merchant: str,
    category: str,
    title: str,
    valid_from: dt.date,
    valid_until: dt.date,
    description: str = "",
    address: str = "",
    phone: str = "",
    discount: Discount | None = None,
) -> Discount:
    ensure_role_over(actor, discount.org if discount else org)
    if valid_until < valid_from:
        refuse({"valid_until": _("截止日期不能早于开始日期")})
    fields = {
        "merchant": merchant,
        "category": category,
        "title": title,
        "description": description,
        "address": address,
        "phone": phone,
        "valid_from": valid_from,
        "valid_until": valid_until,
    }
    discount = discount or Discount(org=org)
    for name, value in fields.items():
        setattr(discount, name, value)
    discount.save()
    log_action(discount, "activities.discount.saved", actor)
    return discount
