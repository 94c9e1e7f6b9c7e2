"""The knowledge base and what members asked of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from unionhome.core.guard import Scoped
from unionhome.core.models import Org


class Category(models.TextChoices):
    MEMBERSHIP = "membership", _("入会与会籍")
    APPEALS = "appeals", _("诉求反映")
    BENEFITS = "benefits", _("福利申领")
    ASSISTANCE = "assistance", _("困难帮扶")
    ACTIVITIES = "activities", _("活动报名")
    PLATFORM = "platform", _("平台使用")
    PRIVACY = "privacy", _("个人信息")
    LEGAL = "legal", _("劳动法律")
    WAGES = "wages", _("工资待遇")
    HOURS = "hours", _("工时休假")
    SAFETY = "safety", _("安全与工伤")
    WOMEN = "women", _("女职工权益")
    SKILLS = "skills", _("技能提升")
    GUIDES = "guides", _("办事指南")
    OTHER = "other", _("其他")


class Entry(Scoped):
    """One question and its answer. `org` empty: shared by every union; otherwise the union's
    own entry (a local rule, a local guide), seen by its members and those below it."""

    # How many keywords and similar questions an entry may hold, and how long each may be.
    KEYWORDS_MAX, KEYWORD_LENGTH = 50, 30
    SYNONYMS_MAX, SYNONYM_LENGTH = 100, 200

    kb_id = models.CharField(_("编号"), max_length=20, unique=True)
    org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.CASCADE, related_name="kb_entries")
    category = models.CharField(_("分类"), max_length=20, choices=Category.choices, default=Category.OTHER)
    question = models.CharField(_("问题"), max_length=200)
    answer = models.TextField(_("答案"), max_length=5000)
    keywords = models.JSONField(_("关键词"), default=list, blank=True)
    synonyms = models.JSONField(_("相似问法"), default=list, blank=True)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    reviewed_on = models.DateField(_("审核日期"), null=True, blank=True)
    is_guide = models.BooleanField(_("办事指南"), default=False)
    active = models.BooleanField(_("启用"), default=True)
    # The entry's analysed terms, field by field, computed when it is saved (see retrieval.py).
    terms = models.JSONField(default=dict, editable=False)
    terms_version = models.CharField(max_length=16, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["kb_id"]
        verbose_name = _("知识条目")
        verbose_name_plural = _("知识库")

    def __str__(self) -> str:
        return f"{self.kb_id} {self.question}"


class QuestionStatus(models.TextChoices):
    ANSWERED = "answered", _("已回答")
    OPEN = "open", _("待补充")  # not answered, or the member said the answer did not help
    CHOICE = "choice", _("已请会员二选一")  # unsure between two entries, it asked which was meant
    ADDED = "added", _("已补充进知识库")
    DISMISSED = "dismissed", _("已忽略")


class Question(Scoped):
    """A question a member asked, what the assistant said, and what became of it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    text = models.CharField(max_length=500)
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.SET_NULL, related_name="asked")
    answer = models.TextField(blank=True)  # what the member was told, word for word
    related = models.JSONField(default=list, blank=True)  # kb_ids offered as related questions
    score = models.FloatField(default=0)
    in_scope = models.FloatField(default=0)
    helpful = models.BooleanField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=QuestionStatus.choices, default=QuestionStatus.ANSWERED)
    appeal = models.ForeignKey(
        "appeals.Appeal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="question_status")]

    @property
    def answered(self) -> bool:
        return self.entry_id is not None

    @property
    def is_choice(self) -> bool:
        """It asked which of two entries was meant (`related` holds them)."""
        return self.status == QuestionStatus.CHOICE
