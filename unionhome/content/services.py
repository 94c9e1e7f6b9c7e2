"""News articles and targeted notices: writing, publishing, sending, and the reach figure."""

from __future__ import annotations

import datetime as dt
import re

import nh3
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core.audit import log_action
from unionhome.core.errors import refuse
from unionhome.core.links import link_or, link_refusal, safe_link
from unionhome.core.models import Notification, Org
from unionhome.core.notifications import notify_many, optional_channels
from unionhome.core.outbox import later
from unionhome.core.scoping import by_rule, ensure_role_over
from unionhome.core.uploads import IMAGE_TYPES, check_upload
from unionhome.members.audience import audience_count, audience_members, clean_audience  # noqa: F401 — used by views and the API

from .models import Article, ArticleRead, ArticleStatus, Column, Notice, NoticeStatus

# Rich text members may see: structure, emphasis, links and images — no script, no style, no
# event handlers (nh3 removes whatever is not listed here).
HTML_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "ul", "ol", "li",
    "blockquote", "a", "img", "figure", "figcaption", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
HTML_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "td": {"colspan"}}


def clean_html(html: str) -> str:
    cleaned = nh3.clean(
        html or "",
        tags=HTML_TAGS,
        attributes=HTML_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
    return _headings_from_two(cleaned)


_HEADING = re.compile(r"<(/?)h([2-4])>")


def _headings_from_two(html: str) -> str:
    """The body sits under the page's h1: its heading levels, in the order they rank, become
    h2, h3, h4, so none is skipped (a body that starts at h3 would leave a gap a screen reader
    announces)."""
    levels = sorted({int(level) for _slash, level in _HEADING.findall(html)})
    to = {level: 2 + rank for rank, level in enumerate(levels)}
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{to[int(m.group(2))]}>", html)


# -- news --------------------------------------------------------------------------------------


@transaction.atomic
def article_save(
    *,
    actor,
    org: Org,
    title: str,
    body: str,
    column: str = Column.NEWS,
    summary: str = "",
    pinned: bool = False,
    image=None,
    image_alt: str = "",
    publish: bool = True,
    published_at: dt.datetime | None = None,
    article: Article | None = None,
) -> Article:
    """Create or edit an article; `publish` makes it visible from `published_at` (now if not
    given; a later date schedules it). The body is HTML, kept only as far as it is safe."""
    ensure_role_over(actor, article.org if article else org)
    body = clean_html(body)
    if not body.strip():
        refuse({"body": _("不能为空")})  # nothing left once scripts and styles are removed
    if image is not None:
        check_upload(image, field="image", allowed=IMAGE_TYPES)
    created = article is None
    if created:
        article = Article(org=org, author=actor)
    article.title, article.body, article.column, article.summary = title, body, column, summary
    article.pinned, article.image_alt = pinned, image_alt
    if image is not None:
        article.image = image
    if publish:
        article.status = ArticleStatus.PUBLISHED
        article.published_at = published_at or article.published_at or timezone.now()
    else:  # unticked: back to a draft, members no longer see it
        article.status = ArticleStatus.DRAFT
    article.save()
    log_action(article, "content.article.saved", actor, {"created": created, "status": article.status})
    return article


# -- targeted notices --------------------------------------------------------------------------


@transaction.atomic
def notice_send(
    *, actor, org: Org, title: str, body: str, audience: dict | None = None, channels=None, url: str = ""
) -> Notice:
    """Record the notice and hand the fan-out to the task queue (after commit): the sender's
    request returns at once however large the audience."""
    ensure_role_over(actor, org)
    errors = {}
    channels = list(dict.fromkeys(channels or []))
    if not set(channels) <= set(optional_channels()):
        errors["channels"] = _("该渠道未开通")
    if url and not safe_link(url):
        errors["url"] = link_refusal()
    refuse(errors)
    audience = clean_audience(org, audience)
    notice = Notice.objects.create(
        org=org, title=title, body=body, url=url, audience=audience, channels=channels, created_by=actor
    )
    log_action(notice, "content.notice.sent", actor, {"audience": audience, "channels": channels})
    from .tasks import fan_out_notice

    later(fan_out_notice, notice.pk)
    return notice


def notice_fan_out(notice_id: int) -> int:
    """Write every recipient's inbox row in batches; safe to run again (it only sends once)."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice_id)
        if notice.status == NoticeStatus.SENT:
            return 0
        users = (
            audience_members(notice.org, notice.audience)
            .order_by()
            .values_list("user_id", flat=True)
            .iterator(chunk_size=5000)
        )
        count = notify_many(
            users,
            notice.title,
            notice.body,
            link_or(notice.url, "/inbox/"),  # a row stored before the check never goes out
            ref=notice.ref,
            channels=notice.channels,
        )
        notice.recipients = count
        notice.status = NoticeStatus.SENT
        notice.sent_at = timezone.now()
        notice.save(update_fields=["recipients", "status", "sent_at"])
    return count


def notice_reach(notice: Notice) -> dict:
    """Reach: how many received it and how many have read it (read receipts of the inbox).
    Uses the count `selectors.notices_managed` annotated in its query, else counts now."""
    read = getattr(notice, "read_count", None)
    if read is None:
        receipts = by_rule(Notification.objects, "the read receipts of the notice in hand")
        read = receipts.filter(ref=notice.ref, read_at__isnull=False).count()
    sent = notice.recipients
    return {"recipients": sent, "read": read, "rate": round(read / sent, 3) if sent else 0.0}


def article_read(*, article: Article, user) -> None:
    """Note that `user` opened the article (once; the recommendations read it)."""
    if getattr(user, "is_authenticated", False):
        ArticleRead.objects.get_or_create(article=article, user=user)
