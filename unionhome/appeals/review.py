"""Recurring issues into the quarterly rectification list (A9), and the weekly risk review (A12)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core.audit import log_action
from unionhome.core.errors import DomainError
from unionhome.core.models import AuditLog, Site
from unionhome.core.scoping import STAFF_ROLES, ensure_role_over, get_scoped, has_role_over, scope

from .models import Appeal, Category, Rectification, RectificationStatus, RiskItem, RiskKind
from .recurring import quarter_bounds, quarter_of

# ---------------------------------------------------------------- A9


def recurring_groups(user, quarter: str | None = None) -> list[dict]:
    """Groups of two or more similar appeals (same site, category, quarter) not yet on the list."""
    quarter = quarter or quarter_of(timezone.localdate())
    start, end = quarter_bounds(quarter)
    clustered = (
        scope(Appeal.objects.select_related("site"), user)
        .filter(received_at__gte=start, received_at__lt=end, cluster__isnull=False)
        .order_by("received_at")
    )
    by_cluster: dict[int, list[Appeal]] = defaultdict(list)
    for appeal in clustered:
        by_cluster[appeal.cluster_id].append(appeal)
    listed = set(
        Rectification.appeals.through.objects.filter(
            appeal_id__in=[a.pk for group in by_cluster.values() for a in group]
        ).values_list("appeal_id", flat=True)
    )
    groups = []
    for cluster, members in sorted(by_cluster.items(), key=lambda item: -len(item[1])):
        if len(members) < 2 or all(a.pk in listed for a in members):
            continue
        first = members[0]
        groups.append(
            {
                "cluster": cluster,
                "count": len(members),
                "site": first.site,
                "category": first.category,
                "category_label": Category(first.category).label,
                "org": first.org_id,
                "appeals": members,
                "sample": first.text[:80],
            }
        )
    return groups


def rectification_create(
    *, actor, cluster: int, title: str, owner, due_on: dt.date, next_step: str = ""
) -> Rectification:
    root = get_scoped(Appeal.objects.select_related("org"), actor, pk=cluster)
    if owner is None or not has_role_over(owner, root.org, STAFF_ROLES):
        raise DomainError("invalid", _("请选择责任人"), fields={"owner": _("请选择本单位工会干部")})
    title = (title or "").strip()
    if not title:
        raise DomainError("invalid", _("请填写整改事项"), fields={"title": _("必填")})
    start, end = quarter_bounds(quarter_of(timezone.localdate(root.received_at)))
    appeals = scope(Appeal.objects, actor).filter(
        cluster_id=cluster, received_at__gte=start, received_at__lt=end
    )
    item = Rectification.objects.create(
        org=root.org,
        site=root.site,
        category=root.category,
        quarter=quarter_of(timezone.localdate(root.received_at)),
        title=title[:200],
        owner=owner,
        due_on=due_on,
        next_step=(next_step or "")[:300],
    )
    item.appeals.set(appeals)
    log_action(
        item, "appeals.rectification.created", actor, {"appeals": [a.pk for a in appeals]}, org=root.org
    )
    return item


def rectification_update(item: Rectification, *, actor, next_step: str | None = None, done: bool = False):
    ensure_role_over(actor, item.org)
    if next_step is not None:
        item.next_step = next_step[:300]
    if done:
        item.status = RectificationStatus.DONE
    item.save(update_fields=["next_step", "status"])
    log_action(item, "appeals.rectification.updated", actor, {"done": done}, org=item.org)
    return item


# ---------------------------------------------------------------- A12

WINDOW_DAYS = 28
MIN_RECENT = 3
RISE = 1.5


def week_of(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}W{week:02d}"


def _rising(recent: int, previous: int) -> bool:
    return recent >= MIN_RECENT and recent >= RISE * max(previous, 1)


def risk_review(today: dt.date | None = None) -> list[RiskItem]:
    """Find sites where, over the last four weeks against the four before: complaints cluster
    (appeals rise), overtime complaints (category hours) rise, or members leave faster. Each
    finding becomes a risk-list line once per site, kind and week."""
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    recent_start = dt.datetime.combine(today - dt.timedelta(days=WINDOW_DAYS), dt.time.min, tzinfo=tz)
    previous_start = recent_start - dt.timedelta(days=WINDOW_DAYS)

    def per_site(qs, field):
        recent = Counter(
            dict(qs.filter(**{f"{field}__gte": recent_start}).values_list("site_id").annotate(n=Count("pk")))
        )
        previous = Counter(
            dict(
                qs.filter(**{f"{field}__gte": previous_start, f"{field}__lt": recent_start})
                .values_list("site_id")
                .annotate(n=Count("pk"))
            )
        )
        return recent, previous

    appeals = Appeal.objects.filter(site__isnull=False)
    findings = []
    recent, previous = per_site(appeals, "received_at")
    findings += [
        (RiskKind.COMPLAINTS, s, recent[s], previous[s]) for s in recent if _rising(recent[s], previous[s])
    ]
    recent, previous = per_site(appeals.filter(category=Category.HOURS), "received_at")
    findings += [
        (RiskKind.OVERTIME, s, recent[s], previous[s]) for s in recent if _rising(recent[s], previous[s])
    ]
    findings += _turnover(recent_start, previous_start)

    week = week_of(today)
    sites = Site.objects.in_bulk([s for _k, s, _r, _p in findings])
    created = []
    for kind, site_id, n_recent, n_previous in findings:
        site = sites.get(site_id)
        if site is None:
            continue
        detail = _("%(site)s：近四周 %(r)s 件，前四周 %(p)s 件") % {
            "site": site.name,
            "r": n_recent,
            "p": n_previous,
        }
        try:
            with transaction.atomic():
                item = RiskItem.objects.create(
                    org=site.org,
                    site=site,
                    kind=kind,
                    week=week,
                    detail=detail,
                    recent=n_recent,
                    previous=n_previous,
                )
        except IntegrityError:
            continue  # already on this week's list (the job ran twice)
        log_action(item, "appeals.risk.found", None, {"kind": kind}, org=site.org)
        created.append(item)
    return created


def _turnover(recent_start, previous_start) -> list[tuple]:
    from unionhome.members.models import Member

    left = AuditLog.objects.filter(action="members.member.left", at__gte=previous_start)
    site_of = dict(
        Member.objects.filter(pk__in=[int(i) for i in left.values_list("object_id", flat=True)]).values_list(
            "pk", "site_id"
        )
    )
    recent, previous = Counter(), Counter()
    for object_id, at in left.values_list("object_id", "at"):
        site = site_of.get(int(object_id))
        if site:
            (recent if at >= recent_start else previous)[site] += 1
    return [(RiskKind.TURNOVER, s, recent[s], previous[s]) for s in recent if _rising(recent[s], previous[s])]


def risk_update(item: RiskItem, *, actor, owner=None, next_step: str | None = None, closed: bool = False):
    ensure_role_over(actor, item.org)
    if owner is not None:
        if not has_role_over(owner, item.org, STAFF_ROLES):
            raise DomainError("invalid", _("请选择责任人"), fields={"owner": _("请选择本单位工会干部")})
        item.owner = owner
    if next_step is not None:
        item.next_step = next_step.strip()[:300]
    item.closed = closed
    item.save(update_fields=["owner", "next_step", "closed"])
    log_action(
        item, "appeals.risk.updated", actor, {"closed": closed, "next_step": item.next_step}, org=item.org
    )
    return item
