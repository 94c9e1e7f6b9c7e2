"""News articles and targeted notices: writing, publishing, sending, and the reach figure."""

from __future__ import annotations

import datetime as dt

import nh3
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core.audit import log_action
from unionhome.core.bounds import day_error
from unionhome.core.errors import DomainError
from unionhome.core.links import link_or, link_refusal, safe_link
from unionhome.core.models import Notification, Org
from unionhome.core.notifications import notify_many, optional_channels
from unionhome.core.outbox import later
from unionhome.core.scoping import by_rule, ensure_role_over
from unionhome.core.uploads import IMAGE_TYPES, check_upload
from unionhome.members.audience import audience_count, audience_members, clean_audience  # noqa: F401 — used by views and the API

from .models import Article, ArticleStatus, Column, Notice, NoticeStatus

TITLE_MAX = 120
BODY_MAX = 50_000
NOTICE_BODY_MAX = 2000

# Rich text members may see: structure, emphasis, links and images — no script, no style, no
# event handlers (nh3 removes whatever is not listed here).
HTML_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "ul", "ol", "li",
    "blockquote", "a", "img", "figure", "figcaption", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
HTML_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "td": {"colspan"}}


def clean_html(html: str) -> str:
    return nh3.clean(
        html or "",
        tags=HTML_TAGS,
        attributes=HTML_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


# -- news --------------------------------------------------------------------------------------


def _article_fields(data: dict) -> dict:
    errors: dict[str, str] = {}
    title = (data.get("title") or "").strip()
    body = data.get("body") or ""
    if not title:
        errors["title"] = _("不能为空")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("最多 %(n)s 个字") % {"n": TITLE_MAX}
    if not body.strip():
        errors["body"] = _("不能为空")
    elif len(body) > BODY_MAX:
        errors["body"] = _("正文太长")
    column = data.get("column") or Column.NEWS
    if column not in Column.values:
        errors["column"] = _("没有这个栏目")
    published_at = data.get("published_at")
    if isinstance(published_at, dt.date) and not isinstance(published_at, dt.datetime):
        published_at = timezone.make_aware(dt.datetime.combine(published_at, dt.time(8)))
    if reason := day_error(published_at):
        errors["published_at"] = reason
    if errors:
        raise DomainError("invalid", _("请检查标出的内容"), fields=errors)
    return {
        "title": title,
        "summary": (data.get("summary") or "").strip()[:200],
        "body": clean_html(body),
        "column": column,
        "pinned": bool(data.get("pinned")),
        "image_alt": (data.get("image_alt") or "").strip()[:100],
        "published_at": published_at,
        "publish": bool(data.get("publish")),
    }


@transaction.atomic
def article_save(*, actor, org: Org, data: dict, image=None, article: Article | None = None) -> Article:
    """Create or edit an article; `publish` makes it visible from `published_at` (now if not
    given; a later date schedules it)."""
    ensure_role_over(actor, article.org if article else org)
    fields = _article_fields(data)
    if image is not None:
        check_upload(image, field="image", allowed=IMAGE_TYPES)
    publish = fields.pop("publish")
    published_at = fields.pop("published_at")
    created = article is None
    if created:
        article = Article(org=org, author=actor)
    for name, value in fields.items():
        setattr(article, name, value)
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
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("不能为空")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("最多 %(n)s 个字") % {"n": TITLE_MAX}
    if not body:
        errors["body"] = _("不能为空")
    elif len(body) > NOTICE_BODY_MAX:
        errors["body"] = _("最多 %(n)s 个字") % {"n": NOTICE_BODY_MAX}
    channels = list(dict.fromkeys(channels or []))
    if not set(channels) <= set(optional_channels()):
        errors["channels"] = _("该渠道未开通")
    if url and not safe_link(url):
        errors["url"] = link_refusal()
    if errors:
        raise DomainError("invalid", _("请检查标出的内容"), fields=errors)
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
