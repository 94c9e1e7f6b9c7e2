"""Recommendations for a member (G3, seed 001 §2.1; D4): activities, offers, news, service
items, courses and skill contests, each with its reason, learning from what the member and
others took up. A course or contest aimed at the member's post or skill level comes first and
says so ("因为您是维修岗·中级工"); a finished course or an entered contest never shows again.

The ranking (`rank`, a pure function the offline benchmark runs on simulated logs too):

1. Every item is a short text — its kind, title and a little of its description — turned into
   character 2–3-gram vectors (scikit-learn's HashingVectorizer: no vocabulary to fit, the same
   vector in every process).
2. The member's take-up is the evidence: a sign-up, a claim and a read count 1, 1 and 0.5; a
   rating of 4–5 adds 1, a rating of 1–2 takes 1.5 away; a dismissal counts −1 and removes
   that item for good.
3. A candidate's score is item-kNN: the weighted sum of its cosine similarity to the K most
   similar items in the evidence, plus a small popularity prior (log of the members who took
   it up lately) so that a newcomer with no history still sees what is popular.
4. The reason is the evidence item that contributed most ("和您参加过的「…」相近"), else the
   popularity ("12 位会员已报名"), else what the item is for (a service group, "新活动").

Candidates are only what the member may take up now (the apps' own selectors: audience, open,
not already taken); `recommendations(user)` gathers them and the evidence with a handful of
indexed queries."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core.bounds import id_value
from unionhome.core.scoping import by_rule, own

K = 10
POPULARITY = 0.05
LIKE = 0.15  # the cosine from which an evidence item is named as the reason
SHOWN = 5
LOOKBACK_DAYS = 365
POPULAR_DAYS = 60
NEWS_DAYS = 60
CANDIDATES_SECONDS = 60
KIND_WORDS = {
    "activity": "活动",
    "offer": "优惠",
    "article": "资讯",
    "service": "服务",
    "course": "课程",
    "contest": "比武",
}
FIT = 1.0  # a course or contest aimed at the member's post or skill level comes first


@dataclass(frozen=True)
class Item:
    key: str  # "activity:12"
    kind: str
    title: str
    text: str = ""
    url: str = ""
    note: str = ""  # what the item is for, when nothing else explains it
    boost: float = 0.0  # aimed at the member (their post, their skill level): ranked first, said so


@dataclass
class Pick:
    item: Item
    score: float
    reason: str
    because: Item | None = None


@dataclass
class Evidence:
    item: Item
    weight: float
    verb: str = ""  # 参加过 / 领过 / 看过


_vectorizer = None


def vectors(texts: list[str]):
    """Character 2–3-grams weighted by how rare they are among these texts (TF-IDF over the
    candidates and the evidence together): the words every item shares — 工会, 报名, 第…期 —
    count for little, the words of a topic for much."""
    global _vectorizer
    if _vectorizer is None:
        from sklearn.feature_extraction.text import HashingVectorizer

        _vectorizer = HashingVectorizer(
            analyzer="char_wb", ngram_range=(2, 3), n_features=2**18, alternate_sign=False, norm=None
        )
    from sklearn.feature_extraction.text import TfidfTransformer

    return TfidfTransformer(sublinear_tf=True).fit_transform(_vectorizer.transform(texts))


def _text(item: Item) -> str:
    return f"{KIND_WORDS.get(item.kind, '')} {item.title} {item.text[:120]}"


def rank(
    candidates: list[Item],
    evidence: list[Evidence],
    popularity: dict[str, int] | None = None,
    *,
    dismissed: set[str] = frozenset(),
    limit: int = SHOWN,
) -> list[Pick]:
    popularity = popularity or {}
    pool = [c for c in candidates if c.key not in dismissed]
    if not pool:
        return []
    sims = None
    if evidence:
        both = vectors([_text(c) for c in pool] + [_text(e.item) for e in evidence])
        sims = (both[: len(pool)] @ both[len(pool) :].T).toarray()
    weights = [e.weight for e in evidence]
    picks = []
    for i, item in enumerate(pool):
        score, because, best, likeness = 0.0, None, 0.0, 0.0
        if sims is not None:
            row = sims[i]
            nearest = sorted(range(len(evidence)), key=lambda j: -row[j])[:K]
            for j in nearest:
                contribution = weights[j] * float(row[j])
                score += contribution
                if contribution > best:
                    best, because, likeness = contribution, evidence[j], float(row[j])
        takers = popularity.get(item.key, 0)
        score += POPULARITY * math.log1p(takers) + item.boost
        picks.append(
            Pick(item, round(score, 4), _reason(item, because, likeness, takers), because and because.item)
        )
    picks.sort(key=lambda p: (-p.score, p.item.key))
    return picks[:limit]


def _reason(item: Item, because: Evidence | None, likeness: float, takers: int) -> str:
    if item.boost and item.note:
        return item.note
    if because is not None and likeness >= LIKE:
        return _("和您%(verb)s的「%(title)s」相近") % {"verb": because.verb, "title": because.item.title}
    if takers >= 3:
        verb = {"activity": _("报名"), "offer": _("领取"), "article": _("阅读")}.get(item.kind, _("参与"))
        return _("已有 %(n)d 位会员%(verb)s") % {"n": takers, "verb": verb}
    if item.note:
        return item.note
    return {
        "activity": _("新活动"),
        "offer": _("新优惠"),
        "article": _("新资讯"),
        "course": _("新课程"),
        "contest": _("技能比武报名中"),
    }.get(  # fmt: skip
        item.kind, _("为您推荐")
    )


# -- gathering, for a signed-in member ------------------------------------------------------------


def _candidates(user, member, taken: set[str]) -> list[Item]:
    """What the member may take up now and has not: `taken` holds the keys of the items their
    history shows (signed up, claimed, read)."""
    from unionhome.activities.selectors import activities_for, offers_for
    from unionhome.benefits.campaigns import items_for_member
    from unionhome.content.selectors import articles_published

    now = timezone.now()
    out = [
        Item(f"activity:{a.pk}", "activity", a.title, a.description, f"/activities/{a.pk}/")
        for a in activities_for(user)
        if f"activity:{a.pk}" not in taken and a.signup_closes_at >= now
    ]
    out += [
        Item(f"offer:{o.pk}", "offer", o.title, o.description, f"/offers/{o.pk}/")
        for o in offers_for(user)
        if f"offer:{o.pk}" not in taken and o.closes_at >= now
    ]
    recent = articles_published(user, "").filter(published_at__gte=now - dt.timedelta(days=NEWS_DAYS))
    out += [
        Item(f"article:{a.pk}", "article", a.title, a.summary, f"/news/{a.pk}/")
        for a in recent[:50]
        if f"article:{a.pk}" not in taken
    ]
    for group, items in items_for_member(member):
        out += [
            Item(f"service:{s.pk}", "service", s.title, s.description, s.url or "/benefits/",
                 _("您属于%(g)s，可以享受") % {"g": group})
            for s in items
        ]  # fmt: skip
    from unionhome.learning.recommend import offers

    out += [
        Item(o.key, o.kind, o.title, o.text, o.url, o.fits, FIT if o.fits else 0.0)
        for o in offers(member)
        if o.key not in taken
    ]
    return out


def _signups():
    from unionhome.activities.models import Signup

    return Signup.objects


def _claims():
    from unionhome.activities.models import OfferClaim

    return OfferClaim.objects


def _reads():
    from unionhome.content.models import ArticleRead

    return ArticleRead.objects


def _history(user) -> tuple[list[Evidence], set[str]]:
    """The member's take-up of the last LOOKBACK_DAYS as evidence, and the keys of what they
    hold now (an active sign-up or claim, an article read): three queries for both."""
    since = timezone.now() - dt.timedelta(days=LOOKBACK_DAYS)
    out = []
    taken: set[str] = set()
    signups = (
        own(_signups(), user, field="member__user")
        .filter(created_at__gte=since)
        .exclude(status="cancelled")
        .select_related("activity")
        .order_by("-created_at")[:50]
    )
    for s in signups:
        if s.status in ("confirmed", "waiting"):
            taken.add(f"activity:{s.activity_id}")
        weight = 1.0 + (1.0 if (s.rating or 0) >= 4 else 0.0) - (1.5 if s.rating and s.rating <= 2 else 0.0)
        a = s.activity
        out.append(
            Evidence(Item(f"activity:{a.pk}", "activity", a.title, a.description), weight, _("参加过"))
        )
    claims = (
        own(_claims(), user, field="member__user")
        .filter(created_at__gte=since)
        .exclude(status="cancelled")
        .select_related("offer")
        .order_by("-created_at")[:50]
    )
    for c in claims:
        if c.status in ("won", "entered", "waiting"):
            taken.add(f"offer:{c.offer_id}")
        o = c.offer
        out.append(Evidence(Item(f"offer:{o.pk}", "offer", o.title, o.description), 1.0, _("领过")))
    for r in _reads().filter(user=user, at__gte=since).select_related("article").order_by("-at")[:50]:
        a = r.article
        taken.add(f"article:{a.pk}")
        out.append(Evidence(Item(f"article:{a.pk}", "article", a.title, a.summary), 0.5, _("看过")))
    from unionhome.learning.recommend import taken as learned
    from unionhome.members.selectors import member_of

    for key, title, summary, finished in learned(member_of(user)):
        if finished:
            taken.add(key)  # a finished course, an entered contest: never again
        kind = key.split(":")[0]
        out.append(
            Evidence(Item(key, kind, title, summary), 1.0, _("学过") if kind == "course" else _("参加过"))
        )
    return out, taken


def _dismissed(member) -> set[str]:
    from .models import Dismissal

    return set(own(Dismissal.objects, member).values_list("item", flat=True))


def _popularity(items: list[Item]) -> dict[str, int]:
    since = timezone.now() - dt.timedelta(days=POPULAR_DAYS)
    ids = {
        kind: [int(i.key.split(":")[1]) for i in items if i.kind == kind]
        for kind in ("activity", "offer", "article")
    }
    out: dict[str, int] = {}
    rule = "counts of take-up of items the member may already see"
    if ids["activity"]:
        rows = (
            by_rule(_signups(), rule)
            .filter(
                activity_id__in=ids["activity"], created_at__gte=since, status__in=["confirmed", "waiting"]
            )
            .values_list("activity_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        out |= {f"activity:{pk}": n for pk, n in rows}
    if ids["offer"]:
        rows = (
            by_rule(_claims(), rule)
            .filter(offer_id__in=ids["offer"], created_at__gte=since)
            .exclude(status="cancelled")
            .values_list("offer_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        out |= {f"offer:{pk}": n for pk, n in rows}
    if ids["article"]:
        rows = (
            _reads()
            .filter(article_id__in=ids["article"], at__gte=since)
            .values_list("article_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        out |= {f"article:{pk}": n for pk, n in rows}
    return out


def recommendations(user, *, kinds: set[str] | None = None, limit: int = SHOWN) -> list[Pick]:
    from unionhome.members.models import MemberStatus
    from unionhome.members.selectors import member_of

    member = member_of(user)
    if member is None or member.status != MemberStatus.ACTIVE:
        return []
    history, taken = _history(user)
    offered, popularity = _offered(user, member)
    candidates = [c for c in offered if c.key not in taken and (kinds is None or c.kind in kinds)]
    dismissed = _dismissed(member)
    evidence = history + _dismissed_evidence(member, dismissed)
    return rank(candidates, evidence, popularity, dismissed=dismissed, limit=limit)


def _offered(user, member) -> tuple[list[Item], dict[str, int]]:
    """What the apps offer the member, and how many took each up, kept CANDIDATES_SECONDS in
    the cache: gathering them is most of a recommendation's time (a dozen of the apps' own
    selectors), and they change when staff publish something, not when the member acts. What
    the member did — their take-up and dismissals — is read fresh on every call."""
    from django.core.cache import cache
    from django.utils.translation import get_language

    key = f"recommend:offered:{user.pk}:{get_language()}"
    found = cache.get(key)
    if found is None:
        items = _candidates(user, member, set())
        found = (items, _popularity(items))
        cache.set(key, found, CANDIDATES_SECONDS)
    return found


def _dismissed_evidence(member, keys: set[str]) -> list[Evidence]:
    """Dismissed activities, offers and articles as negative evidence: their like rank lower."""
    from unionhome.activities.models import Activity, Offer
    from unionhome.content.models import Article

    out: list[Evidence] = []
    if not keys:
        return out
    rule = "items the member dismissed, by their keys"
    for kind, model in (("activity", Activity), ("offer", Offer), ("article", Article)):
        ids = [int(k.split(":")[1]) for k in keys if k.startswith(kind + ":")]
        for obj in by_rule(model.objects, rule).filter(pk__in=ids)[:50]:
            out.append(Evidence(Item(f"{kind}:{obj.pk}", kind, obj.title), -1.0, ""))
    from unionhome.learning.recommend import titles

    out += [Evidence(Item(key, "course", title), -1.0, "") for key, title in titles(keys)]
    return out


def dismiss(*, user, key: str) -> bool:
    """不感兴趣: the item stays away. False for a key that is not an item we recommend."""
    from unionhome.members.selectors import member_of

    from .models import Dismissal

    kind, _sep, pk = (key or "").partition(":")
    if kind not in KIND_WORDS or id_value(pk) is None:
        return False
    member = member_of(user)
    if member is None:
        return False
    own(Dismissal.objects, member).get_or_create(member=member, item=key)
    return True


# -- the member's pages ---------------------------------------------------------------------------

PLACES = {
    "home": None,
    "learning": {"course", "contest"},
    "activities": {"activity", "offer"},
    "news": {"article"},
    "benefits": {"service", "offer"},
}


def panel(user, place: str = "home"):
    """The 为您推荐 panel of a member page (core.panels), or None when there is nothing."""
    from unionhome.core.panels import Panel, Row

    picks = recommendations(user, kinds=PLACES.get(place))
    if not picks:
        return None
    rows = [Row(p.item.title, p.item.url, p.reason, dismiss=p.item.key) for p in picks]
    return Panel(_("为您推荐"), rows)
