"""Appeals (诉求) and everything that closes their loop: dispatch to departments (会办单), photos and
evidence, the quarterly rectification list, legal-service cases and the weekly risk list.

States of an appeal (one round; a dissatisfied rating starts the next round):

    submitted ──route──▶ routed ──dispatch──▶ dispatched ──(all answered)──▶ routed
        ▲                   │                                                 │
        │                   └──────────────close─────────────▶ closed ◀──────┘
        └────────── reopen (rating 1–2, or staff) ─────────────  │ ──rate──▶ rated
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionhome.core.guard import Scoped
from unionhome.core.models import Org, Site


class Category(models.TextChoices):
    WAGES = "wages", _("工资报酬")
    HOURS = "hours", _("工时休假")
    SAFETY = "safety", _("安全防护")
    CONTRACT = "contract", _("劳动合同与社保")
    LIVING = "living", _("食宿通勤")
    SKILLS = "skills", _("技能晋升")
    WOMEN = "women", _("女职工权益")
    FAMILY = "family", _("家庭困难与照护")
    MANAGEMENT = "management", _("企业管理与民主")
    OTHER = "other", _("其他")


class Channel(models.TextChoices):
    ONLINE = "online", _("网上提交")
    HOTLINE = "hotline", _("12351 热线")
    BOX = "box", _("意见箱")
    VISIT = "visit", _("走访座谈")
    STATION = "station", _("服务站扫码")


class Route(models.TextChoices):
    IMMEDIATE = "immediate", _("即时答复")
    POLICY = "policy", _("政策释明")
    COORDINATION = "coordination", _("限期协调")
    NEGOTIATION = "negotiation", _("集体协商")


# What each route means, in the words a member reads (the names above are the union's own).
ROUTE_PLAIN = {
    Route.IMMEDIATE: _("当天答复"),
    Route.POLICY: _("工会在下一个工作日内向您解释有关政策"),
    Route.COORDINATION: _("工会在期限内找单位有关部门协调解决"),
    Route.NEGOTIATION: _("列入集体协商，由工会和单位商谈解决"),
}


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    ROUTED = "routed", _("办理中")
    DISPATCHED = "dispatched", _("部门会办中")
    CLOSED = "closed", _("已办结")
    RATED = "rated", _("已评价")


OPEN_STATUSES = (Status.SUBMITTED, Status.ROUTED, Status.DISPATCHED)


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("已解决")
    IN_PROGRESS = "in_progress", _("阶段推进")
    UNRESOLVABLE = "unresolvable", _("暂难解决")


class Appeal(Scoped):
    # Unique by a constraint below rather than `unique=True`, which on PostgreSQL adds a second
    # index for LIKE searches: a number is only ever matched whole.
    number = models.CharField(_("编号"), max_length=20)
    # The org and site lookups use the composite indexes below, which begin with them: every index
    # is paid for on each intake, so none is kept twice.
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="appeals", db_index=False)
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="appeals", db_index=False
    )
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="appeals"
    )
    # Shown with the appeal, never searched by: no index (deleting a user, an admin's act, scans).
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="appeals_entered",
        db_index=False,
    )
    anonymous = models.BooleanField(_("匿名"), default=False)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    title = models.CharField(_("标题"), max_length=100, blank=True)
    text = models.TextField(_("诉求内容"))
    received_at = models.DateTimeField(_("受理时间"), db_index=True)

    category = models.CharField(_("类别"), max_length=12, choices=Category.choices, default=Category.OTHER)
    category_suggested = models.CharField(max_length=12, choices=Category.choices, blank=True)
    category_confirmed = models.BooleanField(default=False)
    confidence = models.FloatField(default=0)
    urgent = models.BooleanField(_("紧急"), default=False)
    urgent_signals = models.JSONField(default=list, blank=True)

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    round = models.PositiveSmallIntegerField(default=1)
    route = models.CharField(_("办理路径"), max_length=14, choices=Route.choices, blank=True)
    workdays = models.PositiveSmallIntegerField(null=True, blank=True)
    due_on = models.DateField(_("办理期限"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appeals_owned",
    )
    supervision = models.BooleanField(_("月度督办"), default=False)
    negotiation_list = models.BooleanField(_("集体协商清单"), default=False)
    congress_list = models.BooleanField(_("职代会协商清单"), default=False)
    meeting_on = models.DateField(_("协商会议日期"), null=True, blank=True)

    reminded_on = models.DateField(null=True, blank=True)
    overdue = models.BooleanField(_("已超期"), default=False)
    ever_overdue = models.BooleanField(default=False)
    escalated_at = models.DateTimeField(null=True, blank=True)
    scan_token = models.CharField(max_length=32, blank=True)

    reply = models.TextField(_("答复"), blank=True)
    outcome = models.CharField(_("办理结果"), max_length=14, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Withdrawn by the member (or recorded so in a ledger brought over): out of the closure rate.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The number in the ledger an appeal was imported from (appeals.history): one per union.
    source_id = models.CharField(max_length=64, blank=True, default="")
    knows_result = models.BooleanField(null=True)
    accepts_result = models.BooleanField(null=True)
    follow_on = models.TextField(_("衍生问题"), blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.CharField(max_length=500, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    cluster = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="appeal_open_due"),
            models.Index(fields=["org", "status"], name="appeal_org_status"),
            models.Index(fields=["site", "category", "received_at"], name="appeal_site_cat"),
            # The figures (insights.figures) count the appeals received and those closed in a
            # period, withdrawn ones out: these two answer both from the index alone on PostgreSQL
            # (the columns the counts read are included), not from a row per appeal.
            models.Index(
                fields=["closed_at"],
                include=["id", "org", "received_at", "rating"],
                condition=Q(withdrawn_at__isnull=True),
                name="appeal_closed_cover",
            ),
            models.Index(
                fields=["received_at"],
                include=["id", "org", "closed_at"],
                condition=Q(withdrawn_at__isnull=True),
                name="appeal_received_cover",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="appeal_number"),
            models.UniqueConstraint(
                fields=["org", "source_id"], condition=~Q(source_id=""), name="appeal_unique_source"
            ),
        ]
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")

    def __str__(self) -> str:
        return self.number

    @staticmethod
    def number_for(received_at, key: int) -> str:
        """The number a member is told: SQ, the year received (local time), the key."""
        return f"SQ{timezone.localtime(received_at):%Y}{key:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def display_title(self) -> str:
        """The title, or the text's first sentence; a long one cut at a word's end with "…",
        never mid-sentence on a comma."""
        if self.title:
            return self.title
        text = " ".join(self.text.split())
        for end, char in enumerate(text[:31]):
            if char in "。！？!?；;":
                return text[:end].rstrip("，,、；;：: ") or text[: end + 1]
        if len(text) <= 30:
            return text
        cut = text[:30]
        for stop in "，,、：:":
            if (at := cut.rfind(stop)) >= 12:
                return cut[:at] + "…"
        return cut.rstrip("，,、；;：: ") + "…"


class DispatchStatus(models.TextChoices):
    WAITING = "waiting", _("排队")
    PENDING = "pending", _("待反馈")
    ANSWERED = "answered", _("已反馈")
    WITHDRAWN = "withdrawn", _("已撤回")


# A step still asked of its department, and the steps that no longer hold the appeal.
OPEN_STEPS = (DispatchStatus.WAITING, DispatchStatus.PENDING)


class Dispatch(Scoped):
    """One department's step of a 会办单; steps are answered in their order."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="dispatches")
    round = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveSmallIntegerField()
    department = models.CharField(_("承办部门"), max_length=50)
    due_on = models.DateField(_("反馈时限"))
    evidence_required = models.CharField(_("需提供的证据材料"), max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=DispatchStatus.choices, default=DispatchStatus.WAITING)
    reminded_on = models.DateField(null=True, blank=True)
    answer = models.TextField(_("反馈意见"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # Staff answered on the department's behalf (the department never did; `answer` says why).
    answered_for = models.BooleanField(_("工会代为反馈"), default=False)
    # Why the step was withdrawn or sent to another department.
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["appeal_id", "round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "round", "position"], name="dispatch_unique_position")
        ]


class Attachment(Scoped):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    dispatch = models.ForeignKey(
        Dispatch, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to="appeals/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    DONE = "done", _("已整改")


class Rectification(Scoped):
    """A line of the quarterly rectification list (季度整改清单), made from a recurring group."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="rectifications")
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL)
    category = models.CharField(max_length=12, choices=Category.choices)
    quarter = models.CharField(_("季度"), max_length=7)
    title = models.CharField(_("整改事项"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField(_("整改期限"))
    next_step = models.CharField(_("下一步"), max_length=300, blank=True)
    status = models.CharField(
        max_length=6, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    appeals = models.ManyToManyField(Appeal, related_name="rectifications")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "due_on"]


class RiskKind(models.TextChoices):
    COMPLAINTS = "complaints", _("投诉聚集")
    TURNOVER = "turnover", _("离职上升")
    OVERTIME = "overtime", _("加班诉求上升")


class RiskItem(Scoped):
    """A line of the weekly risk review (周研判): found by the weekly job, owned by a person."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="risks")
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=12, choices=RiskKind.choices)
    week = models.CharField(_("研判周"), max_length=8)
    detail = models.CharField(_("情况"), max_length=300)
    recent = models.PositiveIntegerField(default=0)
    previous = models.PositiveIntegerField(default=0)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    next_step = models.CharField(_("下一步"), max_length=300, blank=True)
    closed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["closed", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["site", "kind", "week"], name="risk_unique_per_week")]


class LegalKind(models.TextChoices):
    CONSULTATION = "consultation", _("劳动合同咨询")
    LEGAL_AID = "legal_aid", _("法律援助申请")
    MEDIATION = "mediation", _("劳动争议调解")
    RIGHTS = "rights", _("欠薪欠保超时维权")


class RightsIssue(models.TextChoices):
    WAGE_ARREARS = "wage_arrears", _("拖欠工资")
    UNPAID_INSURANCE = "unpaid_insurance", _("未缴社保")
    EXCESS_OVERTIME = "excess_overtime", _("超时加班")


class LegalStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    CLOSED = "closed", _("已结案")


class LegalCase(Scoped):
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="legal_cases")
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.SET_NULL)
    appeal = models.ForeignKey(Appeal, null=True, blank=True, on_delete=models.SET_NULL, related_name="legal")
    kind = models.CharField(_("类型"), max_length=14, choices=LegalKind.choices)
    issue = models.CharField(_("维权事项"), max_length=18, choices=RightsIssue.choices, blank=True)
    summary = models.TextField(_("情况说明"))
    eligibility = models.JSONField(default=dict, blank=True)
    eligible = models.BooleanField(null=True)
    evidence = models.JSONField(default=dict, blank=True)
    agreement = models.TextField(_("调解协议"), blank=True)
    agreement_signed_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=LegalStatus.choices, default=LegalStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class LadderStep(models.TextChoices):
    REMIND = "remind", _("提示")
    CONSULT = "consult", _("会商")
    LETTER = "letter", _("发函")
    REVIEW = "review", _("整改复核")
    HANDOVER = "handover", _("移交上级工会或劳动监察")


LADDER = list(LadderStep.values)


class LegalStepRecord(Scoped):
    case = models.ForeignKey(LegalCase, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=10, choices=LadderStep.choices)
    on = models.DateField(_("日期"))
    note = models.CharField(_("记录"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["on", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="legal_step_once")]
