"""Support (附议/支持) for what members raise in public — a rationalisation suggestion, a platform
worker's topic: one per member, never for their own."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils.translation import gettext as _

from unionhome.core.errors import Conflict
from unionhome.core.scoping import held, own
from unionhome.members.selectors import require_active_member


def add_support(*, item: Model, user, model: type[Model], field: str, own_message: str) -> Model:
    """The member's support row (unique per item and member) and the item's count, both or
    neither. 409 `own` for one's own item, `already_supported` the second time."""
    member = require_active_member(user)
    if item.author_id == member.pk:
        raise Conflict("own", own_message)
    try:
        with transaction.atomic():
            own(model.objects, member).create(org=item.org, member=member, **{field: item})
            held(item).update(supports=F("supports") + 1)
    except IntegrityError:
        raise Conflict("already_supported", _("您已经支持过了")) from None
    item.refresh_from_db()
    return item
