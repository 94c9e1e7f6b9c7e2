"""Reads for news and notices."""

from __future__ import annotations

from django.db.models import CharField, Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from unionhome.core.errors import NotFound
from unionhome.core.models import Notification
from unionhome.core.scoping import require_staff, scope
from unionhome.members.selectors import published_to

from .models import Article, ArticleStatus, Notice


def articles_published(user, column: str = "") -> QuerySet[Article]:
    """What a member reads: published articles of their union and the unions above it (a higher
    union's news reaches every union below); staff also see their subtree's."""
    now = timezone.now()
    visible = published_to(Article.objects, user) | scope(Article.objects, user)
    qs = visible.filter(status=ArticleStatus.PUBLISHED, published_at__lte=now)
    if column:
        qs = qs.filter(column=column)
    return qs.select_related("org")


def article_get(user, pk: int) -> Article:
    article = articles_published(user).filter(pk=pk).first()
    if article is None:
        raise NotFound()
    return article


def articles_managed(user) -> QuerySet[Article]:
    require_staff(user)
    return scope(Article.objects.select_related("org"), user)


def article_managed_get(user, pk: int) -> Article:
    article = articles_managed(user).filter(pk=pk).first()
    if article is None:
        raise NotFound()
    return article


def notices_managed(user) -> QuerySet[Notice]:
    """Notices in the staff member's subtree, each with `read_count` (its read receipts) counted
    in the same query — a list of notices costs one query, not one per notice."""
    require_staff(user)
    read = (
        Notification.objects.filter(
            ref=Concat(Value("notice:"), Cast(OuterRef("pk"), CharField())), read_at__isnull=False
        )
        .order_by()
        .values("ref")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = Notice.objects.select_related("org").annotate(read_count=Coalesce(Subquery(read), 0))
    return scope(qs, user)


def notice_get(user, pk: int) -> Notice:
    notice = notices_managed(user).filter(pk=pk).first()
    if notice is None:
        raise NotFound()
    return notice
