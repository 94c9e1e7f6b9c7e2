"""News in columns and targeted notices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from unionhome.core.guard import Scoped
from unionhome.core.models import Org


class Column(models.TextChoices):
    ABOUT = "about", _("工会简介")
    NEWS = "news", _("工会动态")
    ORGANISATION = "organisation", _("组织建设")
    RIGHTS = "rights", _("权益保障")
    POLICY = "policy", _("政策法规")
    GUIDE = "guide", _("办事指南")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


def article_upload(instance, filename: str) -> str:
    return f"content/{instance.org_id}/{filename}"


class Article(Scoped):
    """A news item. `body` is HTML that has been sanitised on save (services.clean_html)."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="articles")
    column = models.CharField(_("栏目"), max_length=20, choices=Column.choices, default=Column.NEWS)
    title = models.CharField(_("标题"), max_length=120)
    summary = models.CharField(_("摘要"), max_length=200, blank=True)
    body = models.TextField(_("正文"), max_length=50_000)
    image = models.FileField(_("题图"), upload_to=article_upload, blank=True)
    image_alt = models.CharField(_("题图说明"), max_length=100, blank=True)
    status = models.CharField(max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    pinned = models.BooleanField(_("置顶"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-pinned", "-published_at", "-pk"]
        indexes = [models.Index(fields=["column", "status", "published_at"], name="article_column")]

    def __str__(self) -> str:
        return self.title


class NoticeStatus(models.TextChoices):
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已送达")


class Notice(Scoped):
    """A targeted notice: sent to every member of `org`'s subtree who matches `audience`
    ({"sites": [ids], "groups": [...], "posts": [...], "age_min", "age_max", "roles": [...]},
    every key optional, an empty audience meaning all). Read receipts are the inbox rows' read
    times, found through `Notification.ref`."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="notices")
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"), max_length=2000)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    audience = models.JSONField(default=dict, blank=True)
    channels = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=NoticeStatus.choices, default=NoticeStatus.SENDING)
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def ref(self) -> str:
        return f"notice:{self.pk}"


class ArticleRead(models.Model):
    """Who opened an article, once: what the recommendations learn reading from (insights)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "article"], name="article_read_once")]
