"""Activities with sign-up and waiting list, limited offers (first come or lottery), tickets with
QR check-in, shared venues booked by slot, and group-purchase discounts.

Places are counted down in the row (`remaining`, never below zero: a check constraint), and a
member's active sign-up or claim is unique (a partial unique constraint): the database itself
refuses an oversale or a second place, whatever the code above it does."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from unionhome.core.guard import Scoped
from unionhome.core.models import Org, Site
from unionhome.members.models import Member

PLACES_MAX = 100_000  # places of one activity or offer, seats of a venue


class Activity(Scoped):
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("活动名称"), max_length=120)
    description = models.TextField(_("活动介绍"), max_length=5000, blank=True)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    online_url = models.URLField(_("线上参加链接"), blank=True)
    capacity = models.PositiveIntegerField(
        _("名额"), validators=[MinValueValidator(1), MaxValueValidator(PLACES_MAX)]
    )
    remaining = models.IntegerField(_("剩余名额"))
    signup_closes_at = models.DateTimeField(_("报名截止"))
    audience = models.JSONField(default=dict, blank=True)
    materials = models.FileField(_("活动资料"), upload_to="activities/", blank=True)
    cancelled = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(remaining__gte=0), name="activity_remaining_not_negative"),
            models.CheckConstraint(
                condition=Q(remaining__lte=models.F("capacity")), name="activity_remaining_le_cap"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("已报名")
    WAITING = "waiting", _("候补中")
    CANCELLED = "cancelled", _("已取消")


ACTIVE_SIGNUP = Q(status__in=[SignupStatus.CONFIRMED, SignupStatus.WAITING])


class Signup(Scoped):
    # As with claims: the activity's lookups use `signup_queue`, the code a unique constraint.
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups", db_index=False)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="signups")
    status = models.CharField(max_length=20, choices=SignupStatus.choices)
    short_code = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    feedback = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "member"], condition=ACTIVE_SIGNUP, name="signup_once"
            ),
            models.UniqueConstraint(fields=["short_code"], name="signup_short_code"),
        ]
        indexes = [models.Index(fields=["activity", "status", "created_at"], name="signup_queue")]

    kind = "signup"


class OfferMode(models.TextChoices):
    FIRST_COME = "first_come", _("先到先得")
    LOTTERY = "lottery", _("报名抽签")


class Offer(Scoped):
    """A limited offer: movie tickets, family photo sessions, driving-school places."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="offers")
    title = models.CharField(_("名称"), max_length=120)
    description = models.TextField(_("说明"), max_length=5000, blank=True)
    quantity = models.PositiveIntegerField(
        _("数量"), validators=[MinValueValidator(1), MaxValueValidator(PLACES_MAX)]
    )
    remaining = models.IntegerField()
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("结束时间"))
    mode = models.CharField(_("方式"), max_length=20, choices=OfferMode.choices, default=OfferMode.FIRST_COME)
    per_member = models.PositiveSmallIntegerField(
        _("每人限领"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    audience = models.JSONField(default=dict, blank=True)
    # The lottery: the seed and when it was drawn; with the entrants' order it replays exactly.
    seed = models.CharField(max_length=64, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(remaining__gte=0), name="offer_remaining_not_negative"),
            models.CheckConstraint(
                condition=Q(remaining__lte=models.F("quantity")), name="offer_remaining_le_qty"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class OfferClaimStatus(models.TextChoices):
    WON = "won", _("已抢到")
    ENTERED = "entered", _("已报名抽签")
    WAITING = "waiting", _("候补中")
    CANCELLED = "cancelled", _("已取消")
    RELEASED = "released", _("未领取，已释放")
    LOST = "lost", _("未中签")


ACTIVE_CLAIM = Q(status__in=[OfferClaimStatus.WON, OfferClaimStatus.ENTERED, OfferClaimStatus.WAITING])


class OfferClaim(Scoped):
    """One place of an offer held by a member (`slot` 1..per_member), a lottery entry, or a
    place in the waiting list (`position`)."""

    # Every index is written by each winner of a burst, so none is kept twice: the offer's
    # lookups use `claim_queue`, which begins with it; the printed code is only ever matched whole
    # (a unique constraint, not `unique=True`, which on PostgreSQL adds a second index for LIKE).
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="claims", db_index=False)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="claims")
    slot = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=20, choices=OfferClaimStatus.choices)
    position = models.PositiveIntegerField(null=True, blank=True)
    short_code = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    won_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "member", "slot"], condition=ACTIVE_CLAIM, name="claim_once"
            ),
            models.UniqueConstraint(fields=["short_code"], name="claim_short_code"),
        ]
        indexes = [models.Index(fields=["offer", "status", "position"], name="claim_queue")]
        db_table = "activities_claim"  # its name before benefits' claims made "Claim" ambiguous

    kind = "claim"


class Venue(Scoped):
    """A room or ground an enterprise union lends: to its own union only, or to every union
    under `shared_under` (e.g. all unions of the street)."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="venues")
    name = models.CharField(_("名称"), max_length=100)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        _("容纳人数"), default=0, validators=[MinValueValidator(0), MaxValueValidator(PLACES_MAX)]
    )
    description = models.TextField(_("说明"), max_length=2000, blank=True)
    shared_under = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.SET_NULL, related_name="shared_venues"
    )
    auto_approve = models.BooleanField(_("自动批准"), default=False)
    opens = models.TimeField(_("每天开放"), default=dt.time(8))
    closes = models.TimeField(_("每天关闭"), default=dt.time(21))
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class BookingStatus(models.TextChoices):
    PENDING = "pending", _("待批准")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    CANCELLED = "cancelled", _("已取消")


class Booking(Scoped):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="bookings")
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="venue_bookings")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    purpose = models.CharField(_("用途"), max_length=200)
    status = models.CharField(max_length=20, choices=BookingStatus.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="booking_positive")
        ]


class BookingSlot(Scoped):
    """The half-hour slots a pending or approved booking holds. Unique per venue and start: two
    bookings that overlap by even one slot cannot both be written, on any database."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="slots")
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["venue", "starts_at"], name="venue_slot_once")]


class DiscountCategory(models.TextChoices):
    DINING = "dining", _("餐饮")
    SHOPPING = "shopping", _("购物")
    TRAVEL = "travel", _("出行旅游")
    HEALTH = "health", _("医疗健康")
    EDUCATION = "education", _("教育培训")
    LIFE = "life", _("生活服务")


class Discount(Scoped):
    """A member discount from a member enterprise (普惠优惠)."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="discounts")
    merchant = models.CharField(_("商家"), max_length=100)
    category = models.CharField(_("类别"), max_length=20, choices=DiscountCategory.choices)
    title = models.CharField(_("优惠内容"), max_length=120)
    description = models.TextField(_("使用说明"), max_length=2000, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    valid_from = models.DateField(_("开始日期"))
    valid_until = models.DateField(_("截止日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["category", "valid_until", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="discount_dates"
            )
        ]

    def __str__(self) -> str:
        return f"{self.merchant} {self.title}"
