"""Benefits and assistance: claim types and claims (B1, B2), the hardship ledger (B3), pairing
and visits (B4), service items per service group (B5), seasonal campaigns (B6), funds (B7) and
proxy consent (B8).

Money is `Decimal` yuan with two places. Personal details that are health or financial data sit
in encrypted columns and are only ever shown masked in lists."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from unionhome.core.bounds import YEAR_MAX, YEAR_MIN
from unionhome.core.crypto import EncryptedTextField
from unionhome.core.guard import Scoped
from unionhome.core.models import Org, Site
from unionhome.members.models import Member, ServiceGroup

MONEY = {"max_digits": 12, "decimal_places": 2}


# -- B7 funds ----------------------------------------------------------------------------------


class Fund(Scoped):
    """A budget for one year. `spent` only moves by a conditional UPDATE in `funds.fund_spend`;
    the check constraint is the database's own guarantee that it never passes `budget`."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="funds")
    name = models.CharField(_("经费名称"), max_length=100)
    year = models.PositiveIntegerField(
        _("年度"), validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]
    )
    budget = models.DecimalField(_("预算（元）"), **MONEY)
    spent = models.DecimalField(_("已支出（元）"), default=0, **MONEY)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("一支笔审批人"),
    )
    sign_threshold = models.DecimalField(_("一支笔签批起点（元）"), null=True, blank=True, **MONEY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name", "year"], name="fund_unique_name_year"),
            models.CheckConstraint(
                condition=Q(spent__gte=0) & Q(spent__lte=F("budget")), name="fund_never_overspent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    @property
    def remaining(self):
        return self.budget - self.spent


class EntryKind(models.TextChoices):
    PAYOUT = "payout", _("支出")
    REFUND = "refund", _("退回")


class FundEntry(Scoped):
    """One line of the ledger (台账): what was paid, for what, who approved and who signed."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=EntryKind.choices, default=EntryKind.PAYOUT)
    amount = models.DecimalField(**MONEY)
    purpose = models.CharField(max_length=200)
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    claim = models.ForeignKey("Claim", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    case = models.ForeignKey(
        "HardshipCase", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    @property
    def org(self) -> Org:
        return self.fund.org


# -- B1, B2 claim types and claims -------------------------------------------------------------


class FieldKind(models.TextChoices):
    TEXT = "text", _("文字")
    NUMBER = "number", _("数字")
    DATE = "date", _("日期")
    MONTH = "month", _("月份")
    CHOICE = "choice", _("选项")
    FILE = "file", _("文件")


class Delivery(models.TextChoices):
    ONLINE = "online", _("线上办理")
    OFFLINE = "offline", _("线下配送/领取")


class ClaimCategory(models.TextChoices):
    FRONTLINE = "frontline", _("一线职工专项")
    TRAVEL = "travel", _("异地职工服务")
    SKILLS = "skills", _("技能提升")
    HEALTH = "health", _("健康关爱")


class ClaimType(Scoped):
    """What members may claim, configured by staff.

    `fields` is a list of {"name", "label", "kind", "required", "choices", "max", "sensitive"}:
    `kind` a FieldKind (a file field is a required material), `max` the cap of a number,
    `sensitive` "health" or "financial" for values kept encrypted and needing that consent.
    `amount_field` names the number field that is the money paid out, if any."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="claim_types")
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=60)
    description = models.TextField(_("说明"), blank=True)
    category = models.CharField(
        _("类别"), max_length=20, choices=ClaimCategory.choices, default=ClaimCategory.FRONTLINE
    )
    fields = models.JSONField(_("表单字段"), default=list, blank=True)
    audience = models.JSONField(_("可申领人员"), default=dict, blank=True)
    approver_role = models.CharField(
        _("审批"),
        max_length=20,
        default="staff",
        choices=[("staff", _("工会干部")), ("chair", _("工会主席"))],
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("办理时限（工作日）"), default=5, validators=[MaxValueValidator(60)]
    )
    delivery = models.CharField(
        _("发放方式"), max_length=10, choices=Delivery.choices, default=Delivery.ONLINE
    )
    amount_field = models.CharField(_("金额字段"), max_length=40, blank=True)
    fund = models.ForeignKey(
        Fund,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claim_types",
        verbose_name=_("支出经费"),
    )
    active = models.BooleanField(_("启用"), default=True)
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["org", "code"], name="claim_type_unique_code")]

    def __str__(self) -> str:
        return self.name

    def field(self, name: str) -> dict | None:
        return next((f for f in self.fields if f["name"] == name), None)

    @property
    def materials(self) -> list[dict]:
        return [f for f in self.fields if f["kind"] == FieldKind.FILE]


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("审核中")
    RETURNED = "returned", _("退回补充材料")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    DELIVERED = "delivered", _("已发放")


class Claim(Scoped):
    number = models.CharField(max_length=20, unique=True)
    type = models.ForeignKey(ClaimType, on_delete=models.PROTECT, related_name="claims")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="benefit_claims")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT)
    values = models.JSONField(default=dict, blank=True)
    # Health and financial values: a JSON object, encrypted as one value.
    sensitive = EncryptedTextField(blank=True, default="")
    amount = models.DecimalField(null=True, blank=True, **MONEY)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proxy = models.ForeignKey(
        "members.ProxyConsent", null=True, blank=True, on_delete=models.SET_NULL, related_name="claims"
    )
    due_on = models.DateField(null=True, blank=True)
    staff_note = models.CharField(max_length=500, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["member", "status"], name="claim_member_status"),
            models.Index(fields=["org", "status"], name="claim_org_status"),
        ]

    def __str__(self) -> str:
        return self.number


class ClaimFile(Scoped):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="files")
    field = models.CharField(max_length=40)
    file = models.FileField(upload_to="benefits/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]


# -- B3 hardship ledger ------------------------------------------------------------------------


class HardshipKind(models.TextChoices):
    ILLNESS = "illness", _("患病致困")
    INJURY = "injury", _("工伤恢复")
    EMERGENCY = "emergency", _("家庭突发变故")


class HardshipStage(models.TextChoices):
    INTAKE = "intake", _("受理")
    VERIFICATION = "verification", _("核实")
    CONSULTATION = "consultation", _("会商")
    DECISION = "decision", _("决定")
    FOLLOW_UP = "follow_up", _("回访跟踪")
    CLOSED = "closed", _("已办结")


class HardshipLevel(models.TextChoices):
    DEEP = "deep", _("深度困难")
    RELATIVE = "relative", _("相对困难")
    ACCIDENT = "accident", _("意外致困")
    NONE = "none", _("暂不符合")


class HardshipPolicy(Scoped):
    """A locality's thresholds for the self-test and for decisions."""

    org = models.OneToOneField(Org, on_delete=models.CASCADE, related_name="hardship_policy")
    min_living_monthly = models.DecimalField(_("当地最低生活保障标准（元/月/人）"), **MONEY)
    relative_multiple = models.DecimalField(_("相对困难倍数"), max_digits=4, decimal_places=2, default=2)
    accident_ratio = models.DecimalField(
        _("意外致困支出占年收入比例"), max_digits=4, decimal_places=2, default=0.8
    )


class HardshipCase(Scoped):
    number = models.CharField(max_length=20, unique=True)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="hardship_cases")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=20, choices=HardshipKind.choices)
    urgent = models.BooleanField(_("急难"), default=False)
    stage = models.CharField(max_length=20, choices=HardshipStage.choices, default=HardshipStage.INTAKE)
    summary = models.CharField(_("简要情况"), max_length=200)
    # Health, income and bank details: a JSON object, encrypted as one value.
    details = EncryptedTextField(blank=True, default="")
    suggested_level = models.CharField(max_length=10, choices=HardshipLevel.choices, blank=True)
    level = models.CharField(_("认定等级"), max_length=10, choices=HardshipLevel.choices, blank=True)
    amount = models.DecimalField(_("帮扶金额（元）"), null=True, blank=True, **MONEY)
    fund = models.ForeignKey(Fund, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proxy = models.ForeignKey(
        "members.ProxyConsent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Urgent cases first, then the nearest deadline: the queue order of seed 002 §3.2.
        ordering = ["-urgent", "due_on", "pk"]
        indexes = [models.Index(fields=["org", "stage"], name="hardship_org_stage")]

    def __str__(self) -> str:
        return self.number


class HardshipStep(Scoped):
    """One stage of a case: who owns it, by when, and what was recorded when it was done."""

    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="steps")
    stage = models.CharField(max_length=20, choices=HardshipStage.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField()
    started_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    attachment = models.FileField(upload_to="hardship/%Y/%m/", blank=True)

    class Meta:
        ordering = ["pk"]


class HardshipNotice(Scoped):
    """公示: the minimum — masked name, union, level, amount — until its date."""

    case = models.OneToOneField(HardshipCase, on_delete=models.CASCADE, related_name="notice")
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=200)
    published_at = models.DateTimeField(auto_now_add=True)
    until = models.DateField()

    class Meta:
        ordering = ["-published_at", "-pk"]


# -- B4 pairing and visits ---------------------------------------------------------------------


class Pairing(Scoped):
    """A cadre paired with a family in hardship (结对帮扶)."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pairings")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="pairings")
    case = models.ForeignKey(
        HardshipCase, null=True, blank=True, on_delete=models.SET_NULL, related_name="pairings"
    )
    plan = models.TextField(_("帮扶计划"), blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "member"], condition=Q(ended_on__isnull=True), name="pairing_one_active"
            )
        ]


class VisitKind(models.TextChoices):
    PAIRING = "pairing", _("结对走访")
    FESTIVAL = "festival", _("节日慰问")
    ILLNESS = "illness", _("病困慰问")
    HOURS = "hours", _("工时关怀")


class Visit(Scoped):
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="visits")
    pairing = models.ForeignKey(
        Pairing, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=VisitKind.choices, default=VisitKind.PAIRING)
    planned_on = models.DateField(_("计划日期"))
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    visited_on = models.DateField(_("走访日期"), null=True, blank=True)
    record = models.TextField(_("走访记录"), blank=True)
    gifts = models.CharField(_("慰问物品/金额"), max_length=200, blank=True)
    rating = models.PositiveSmallIntegerField(_("效果评价"), null=True, blank=True)
    evaluation = models.CharField(_("评价说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["-planned_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="visit_rating_1_5"
            )
        ]


# -- B5 service items --------------------------------------------------------------------------


class ServiceItem(Scoped):
    """What a service group is entitled to (seed 002 §3.2), optionally a claim type to apply."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="service_items")
    group = models.CharField(_("服务群体"), max_length=30, choices=ServiceGroup.choices)
    title = models.CharField(_("服务项目"), max_length=60)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    claim_type = models.ForeignKey(
        ClaimType,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("申领入口"),
    )
    url = models.CharField(_("链接"), max_length=200, blank=True)

    class Meta:
        ordering = ["group", "pk"]
        constraints = [models.UniqueConstraint(fields=["org", "group", "title"], name="service_item_unique")]


# -- B6 seasonal campaigns ---------------------------------------------------------------------


class CampaignKind(models.TextChoices):
    COOL = "cool", _("送清凉")
    WARM = "warm", _("送温暖")
    FESTIVAL = "festival", _("节日慰问")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("待发布")
    CREATING = "creating", _("生成名单中")
    ACTIVE = "active", _("发放中")
    CLOSED = "closed", _("已结束")


class Campaign(Scoped):
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(_("活动名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=CampaignKind.choices)
    items = models.CharField(_("慰问物品"), max_length=200)
    audience = models.JSONField(_("对象"), default=dict, blank=True)
    value = models.DecimalField(_("每人价值（元）"), null=True, blank=True, **MONEY)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    status = models.CharField(max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    total = models.PositiveIntegerField(default=0)
    launch_seconds = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]


class Entitlement(Scoped):
    """One member's share of a campaign, and whether it reached them."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="entitlements")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="entitlements")
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "member"], name="entitlement_once")]
        indexes = [models.Index(fields=["member", "campaign"], name="entitlement_member")]
