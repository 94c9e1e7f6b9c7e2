"""What insight keeps of its own: the care flags raised from attendance (G6), each once per
member, month and kind, with the union's follow-up visit it opened."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from unionhome.core.guard import Scoped
from unionhome.core.models import Org


class CareKind(models.TextChoices):
    OVER_36H = "over_36h", _("月加班超过 36 小时")
    NEAR_36H = "near_36h", _("月加班接近 36 小时")
    OVER_3H_DAY = "over_3h_day", _("单日加班超过 3 小时")
    NO_REST_7D = "no_rest_7d", _("连续 7 天以上没有休息")
    NIGHTS_5 = "nights_5", _("连续 5 个以上夜班")


class CareFlag(Scoped):
    """A flag raised once: the periodic task finds it in the month's attendance, opens a
    follow-up visit for the union, and (with the member's consent) sends care content."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="care_flags")
    month = models.DateField()  # the month's first day
    kind = models.CharField(max_length=12, choices=CareKind.choices)
    value = models.DecimalField(max_digits=7, decimal_places=2)
    limit = models.DecimalField(max_digits=7, decimal_places=2)
    raised_at = models.DateTimeField(auto_now_add=True)
    visit = models.ForeignKey(
        "benefits.Visit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cared = models.BooleanField(default=False)  # care content sent (the member consented)

    class Meta:
        ordering = ["-month", "kind", "pk"]
        constraints = [models.UniqueConstraint(fields=["member", "month", "kind"], name="care_flag_once")]
        indexes = [models.Index(fields=["org", "month"], name="care_flag_org_month")]


class WorkPlan(Scoped):
    """A union's work plan for a quarter (G7): what it will do, with an owner for each item,
    published to its members and counted in the quarter's ranking."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="work_plans", verbose_name=_("工会"))
    year = models.PositiveSmallIntegerField(_("年份"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    summary = models.TextField(_("工作重点"), max_length=2000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-quarter", "org_id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "quarter"], name="work_plan_once"),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="work_plan_quarter"
            ),
        ]


class PlanItem(Scoped):
    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="items")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("事项"), max_length=200)
    owner = models.CharField(_("责任人"), max_length=50)
    due_on = models.DateField(_("完成期限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.CharField(_("完成情况"), max_length=300, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]


class MonthlyReview(Scoped):
    """A union's review of a month per service group (G5): the figures as they were when built,
    the items that need action, and the chair's sign-off (after which it never changes)."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()  # the month's first day
    data = models.JSONField(default=dict)
    generated_at = models.DateTimeField(auto_now_add=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("签阅意见"), max_length=500, blank=True)

    class Meta:
        ordering = ["-month", "org_id"]
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="monthly_review_once")]


class Dismissal(Scoped):
    """A member said 不感兴趣 to a recommended item: it stays away, and items like it rank lower."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    item = models.CharField(max_length=40)  # "activity:12", "offer:3", "article:7", "service:5"
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "item"], name="dismissal_once")]
