"""Recurring issues (A9): an appeal is grouped with an earlier one of the same site and category,
with similar words, in the same quarter; the groups feed the quarterly rectification list
(appeals.review)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from unionhome.core.scoping import by_rule, held

from .models import Appeal

SIMILARITY = 0.2
_PUNCT = re.compile(r"[\s，。！？、；：“”‘’（）()!?,.;:…~\-—]+")


def _shingles(text: str) -> set[str]:
    text = _PUNCT.sub("", text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def similarity(a: str, b: str) -> float:
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(quarter: str) -> tuple[dt.datetime, dt.datetime]:
    year, q = int(quarter[:4]), int(quarter[-1])
    start = dt.date(year, 3 * (q - 1) + 1, 1)
    end = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1)
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end, dt.time.min, tzinfo=tz),
    )


def link_recurring(appeal: Appeal) -> Appeal | None:
    """Group with an earlier appeal of the same site and category, with similar text, in the same
    quarter. The group is named by its first appeal."""
    if appeal.site_id is None:
        return None
    start, end = quarter_bounds(quarter_of(timezone.localdate(appeal.received_at)))
    candidates = (
        by_rule(Appeal.objects, "the appeals of one site, the new appeal's")
        .filter(site_id=appeal.site_id, category=appeal.category, received_at__gte=start, received_at__lt=end)
        .exclude(pk=appeal.pk)
        .order_by("received_at")
        .only("pk", "text", "cluster_id")[:200]
    )
    for other in candidates:
        if similarity(appeal.text, other.text) >= SIMILARITY:
            root = other.cluster_id or other.pk
            if other.cluster_id is None:
                held(other).update(cluster_id=root)
            held(appeal).update(cluster_id=root)
            appeal.cluster_id = root
            return other
    return None
