"""Demand analysis (G2, seed 001 §2.3(2)): what members ask for, where and when — the appeals of
an org subtree over a period, counted in the database.

- trends: appeals received per category, by week or by month (local weeks start on Monday);
- channels: how they came (online, hotline, box, visit, station scan);
- hot sites: the work sites with the most appeals, with their share;
- heat map: weekday × hour of receipt, in the union's time zone;
- rising terms: the words (jieba) whose count grew most against the period just before, among
  words seen at least RISING_MIN times now (up to TEXTS_MAX of the latest appeals each side);
- uncovered sites: sites with at least `min_appeals` appeals and no service station (a site
  marked `station`) within `km` — the sites the stations work should look at first. A site
  without coordinates cannot be measured and is listed as such.

Withdrawn appeals count: a withdrawn request was still a request."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncMonth, TruncWeek

from unionhome.appeals.models import Appeal, Category, Channel
from unionhome.core.models import Org, Site
from unionhome.core.scoping import within

from .figures import Period, previous

RISING_MIN = 3
TEXTS_MAX = 20_000
HOT_SITES = 10
STOP = frozenset(
    [
        "我们",
        "你们",
        "他们",
        "这个",
        "那个",
        "一个",
        "没有",
        "什么",
        "怎么",
        "现在",
        "已经",
        "还是",
        "就是",
        "可以",
        "不是",
        "但是",
        "因为",
        "所以",
        "如果",
        "还有",
        "这样",
        "这些",
        "那些",
        "时候",
        "自己",
        "问题",
        "希望",
        "工会",
        "公司",
        "单位",
        "一下",
        "一直",
        "时间",
        "情况",
        "反映",
        "请问",
        "谢谢",
        "需要",
        "知道",
    ]
)


def received(org: Org, period: Period):
    start, end = period.bounds()
    return within(Appeal.objects, org).filter(received_at__gte=start, received_at__lt=end)


def trends(org: Org, period: Period, by: str = "month") -> list[dict]:
    """[{"bucket": date, "counts": {category: n}, "total": n}] in time order."""
    trunc = TruncWeek if by == "week" else TruncMonth
    rows = (
        received(org, period)
        .annotate(bucket=trunc("received_at"))
        .values_list("bucket", "category")
        .annotate(n=Count("pk"))
        .order_by("bucket")
    )
    buckets: dict = {}
    for bucket, category, n in rows:
        day = bucket.date() if hasattr(bucket, "date") else bucket
        buckets.setdefault(day, Counter())[category] += n
    return [{"bucket": day, "counts": dict(c), "total": sum(c.values())} for day, c in buckets.items()]


def channels(org: Org, period: Period) -> list[tuple[str, str, int]]:
    counts = dict(received(org, period).values_list("channel").annotate(n=Count("pk")).order_by())
    return [(code, str(label), counts.get(code, 0)) for code, label in Channel.choices]


def hot_sites(org: Org, period: Period, limit: int = HOT_SITES) -> list[dict]:
    rows = list(
        received(org, period)
        .exclude(site=None)
        .values_list("site_id", "site__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "site__name")[:limit]
    )
    total = received(org, period).count()
    return [{"site": pk, "name": name, "appeals": n, "share": round(n / total, 4)} for pk, name, n in rows]


def heatmap(org: Org, period: Period) -> list[list[int]]:
    """7 rows (Monday first) of 24 hours."""
    grid = [[0] * 24 for _ in range(7)]
    rows = (
        received(org, period)
        .annotate(day=ExtractIsoWeekDay("received_at"), hour=ExtractHour("received_at"))
        .values_list("day", "hour")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for day, hour, n in rows:
        grid[day - 1][hour] += n
    return grid


def _words(texts) -> Counter:
    import jieba

    counts: Counter = Counter()
    for text in texts:
        # a word once per appeal: one member repeating a word is not a trend
        counts.update({w for w in jieba.lcut(text) if len(w) >= 2 and w not in STOP and not w.isdigit()})
    return counts


def rising_terms(org: Org, period: Period, limit: int = 10) -> list[dict]:
    def texts(p):
        return received(org, p).order_by("-received_at").values_list("text", flat=True)[:TEXTS_MAX]

    now, before = _words(texts(period)), _words(texts(previous(period)))
    rising = [
        {"term": w, "now": n, "before": before.get(w, 0), "growth": n - before.get(w, 0)}
        for w, n in now.items()
        if n >= RISING_MIN and n > before.get(w, 0)
    ]
    rising.sort(key=lambda r: (-r["growth"], -r["now"], r["term"]))
    return rising[:limit]


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


@dataclass
class Uncovered:
    site: Site
    appeals: int
    nearest_km: float | None  # None: no station with coordinates at all
    located: bool


def uncovered(org: Org, period: Period, *, km: float = 2.0, min_appeals: int = 10) -> list[Uncovered]:
    busy = dict(
        received(org, period)
        .exclude(site=None)
        .values_list("site_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=min_appeals)
        .order_by()
    )
    sites = within(Site.objects, org)
    stations = [
        (float(s.latitude), float(s.longitude))
        for s in sites.filter(station=True, latitude__isnull=False, longitude__isnull=False)
    ]
    out = []
    for site in sites.filter(pk__in=busy).order_by("name"):
        if site.station:
            continue
        if site.latitude is None or site.longitude is None:
            out.append(Uncovered(site, busy[site.pk], None, located=False))
            continue
        here = (float(site.latitude), float(site.longitude))
        nearest = min((km_between(here, s) for s in stations), default=None)
        if nearest is None or nearest > km:
            out.append(Uncovered(site, busy[site.pk], None if nearest is None else round(nearest, 2), True))
    out.sort(key=lambda u: (-u.appeals, u.site.name))
    return out


def categories() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in Category.choices]
