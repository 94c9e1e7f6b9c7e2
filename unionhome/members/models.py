"""Members, join applications, transfers, consent and deletion requests, roster imports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionhome.core.crypto import EncryptedTextField, mask_id_number, mask_phone
from unionhome.core.guard import Scoped
from unionhome.core.models import Org, Site


class Post(models.TextChoices):
    SECURITY = "security", _("保安")
    CLEANING = "cleaning", _("保洁")
    REPAIR = "repair", _("维修")
    GREENING = "greening", _("绿化")
    SERVICE = "service", _("客服")
    MANAGEMENT = "management", _("管理")
    OTHER = "other", _("其他")


FRONTLINE_POSTS = {Post.SECURITY, Post.CLEANING, Post.REPAIR, Post.GREENING}


class SkillLevel(models.TextChoices):
    """The national vocational skill levels (职业技能等级), lowest first; blank when unknown."""

    JUNIOR = "junior", _("初级工")
    MIDDLE = "middle", _("中级工")
    SENIOR = "senior", _("高级工")
    TECHNICIAN = "technician", _("技师")
    SENIOR_TECHNICIAN = "senior_technician", _("高级技师")


class EmploymentType(models.TextChoices):
    FORMAL = "formal", _("正式")
    DISPATCHED = "dispatched", _("派遣")
    OUTSOURCED = "outsourced", _("外包")
    SEASONAL = "seasonal", _("季节性")
    PLATFORM = "platform", _("平台")


class Shift(models.TextChoices):
    DAY = "day", _("常白班")
    ROTATING = "rotating", _("倒班")
    NIGHT = "night", _("夜班")


class HoursScheme(models.TextChoices):
    """The working-hours scheme (工时制度) the care flags measure overtime over (insights.care)."""

    STANDARD = "standard", _("标准工时")
    MONTH = "month", _("综合计算工时（按月）")
    QUARTER = "quarter", _("综合计算工时（按季）")
    YEAR = "year", _("综合计算工时（按年）")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class MemberStatus(models.TextChoices):
    ROSTER = "roster", _("在册未入会")
    ACTIVE = "active", _("会员")
    LEFT = "left", _("已退会")
    ANONYMISED = "anonymised", _("已注销")


class ServiceGroup(models.TextChoices):
    """The six service groups of seed 002 §3.2; rules in `members.groups`."""

    NEW_HIRE = "new_hire", _("新入职")
    FRONTLINE_SHIFT = "frontline_shift", _("一线倒班")
    WOMEN = "women", _("女职工")
    POSTED = "posted", _("外派人员")
    HARDSHIP = "hardship", _("困难职工")
    NEAR_RETIREMENT = "near_retirement", _("临退人员")


class Member(Scoped):
    """A person the union knows: an employee on the roster, a union member, or a former one.

    A member keeps one row for life: a transfer or a new employer changes `org`, never the row,
    so the member number, join date and history stay."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="members", verbose_name=_("所属工会"))
    site = models.ForeignKey(
        Site,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("工作地点"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="member"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.ROSTER
    )
    member_no = models.CharField(_("会员号"), max_length=20, unique=True, null=True, blank=True)
    joined_on = models.DateField(_("入会日期"), null=True, blank=True)

    name = models.CharField(_("姓名"), max_length=50)
    name_initials = models.CharField(max_length=50, blank=True, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, null=True, blank=True, db_index=True)
    employee_no = models.CharField(_("工号"), max_length=30, null=True, blank=True)
    id_number = EncryptedTextField(_("身份证号"), blank=True, default="")
    id_digest = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    post = models.CharField(_("岗位"), max_length=20, choices=Post.choices, default=Post.OTHER)
    skill_level = models.CharField(_("技能等级"), max_length=20, choices=SkillLevel.choices, blank=True)
    employment_type = models.CharField(
        _("用工形式"), max_length=20, choices=EmploymentType.choices, default=EmploymentType.FORMAL
    )
    shift = models.CharField(_("班次"), max_length=20, choices=Shift.choices, default=Shift.DAY)
    hours_scheme = models.CharField(
        _("工时制度"), max_length=10, choices=HoursScheme.choices, default=HoursScheme.STANDARD
    )
    # The last night shift the attendance feed reported: a night worker is on the shift group's
    # lists (members.groups) for NIGHT_DAYS after it, whatever the profile's usual shift.
    last_night_on = models.DateField(_("最近夜班"), null=True, blank=True)
    hired_on = models.DateField(_("入职日期"), null=True, blank=True)
    # The last day on the employer's roster (离职日期); the roster's figures count a person on it
    # from `hired_on` to this day, both included (insights.figures).
    left_on = models.DateField(_("离职日期"), null=True, blank=True)
    # The day the membership ended (退会 or 注销); a member from `joined_on` to the day before.
    membership_ended_on = models.DateField(_("退会日期"), null=True, blank=True)
    skills = models.CharField(_("技能"), max_length=200, blank=True)
    interests = models.CharField(_("兴趣"), max_length=200, blank=True)
    tags = models.CharField(_("标签"), max_length=200, blank=True)
    posted_away = models.BooleanField(_("外派"), default=False)
    hardship = models.BooleanField(_("困难职工"), default=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            # Re-import updates by employee number: within one org an employee number is one person.
            models.UniqueConstraint(
                fields=["org", "employee_no"],
                condition=Q(employee_no__isnull=False),
                name="member_unique_employee_no",
            ),
        ]
        indexes = [models.Index(fields=["org", "status"], name="member_org_status")]
        verbose_name = _("会员")
        verbose_name_plural = _("会员")

    def __str__(self) -> str:
        return self.name

    def assign_member_no(self) -> str:
        """The member number: derived from the row, so it is unique and never reused."""
        self.member_no = f"UH{self.pk:08d}"
        return self.member_no

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_registered(self) -> bool:
        return self.user_id is not None

    @property
    def group_codes(self) -> list[str]:
        return [g.group for g in self.groups.all()]

    @property
    def group_labels(self) -> list[str]:
        return [str(ServiceGroup(g).label) for g in self.group_codes]


class MemberGroup(Scoped):
    """A member's membership of a service group, derived by `members.groups.recompute`."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="groups")
    group = models.CharField(max_length=30, choices=ServiceGroup.choices, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "group"], name="member_group_unique")]


class JoinStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")


class JoinApplication(Scoped):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_applications"
    )
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="join_applications")
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("工作地点")
    )
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="join_applications"
    )
    status = models.CharField(max_length=20, choices=JoinStatus.choices, default=JoinStatus.SUBMITTED)
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=20)
    phone_verified = models.BooleanField(_("手机号已验证"), default=False)
    employee_no = models.CharField(_("工号"), max_length=30, blank=True)
    id_number = EncryptedTextField(_("身份证号"), blank=True, default="")
    post = models.CharField(_("岗位"), max_length=20, choices=Post.choices, default=Post.OTHER)
    auto_note = models.CharField(max_length=200, blank=True)
    decision_note = models.CharField(max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="submitted"), name="join_one_open_application"
            )
        ]

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", _("待接收")
    ACCEPTED = "accepted", _("已转入")
    REJECTED = "rejected", _("未接收")
    CANCELLED = "cancelled", _("已撤回")


class Transfer(Scoped):
    """Moving a membership from one union to another (转会, 异地接转): the receiving union accepts."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="transfers")
    from_org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="transfers_out")
    to_org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="transfers_in")
    status = models.CharField(max_length=20, choices=TransferStatus.choices, default=TransferStatus.REQUESTED)
    reason = models.CharField(_("转会原因"), max_length=200, blank=True)
    new_employer = models.CharField(_("新工作单位"), max_length=100, blank=True)
    new_employee_no = models.CharField(_("新工号"), max_length=30, blank=True)
    decision_note = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(status="requested"), name="transfer_one_open"
            )
        ]

    @property
    def org(self) -> Org:
        return self.from_org


class ConsentPurpose(models.TextChoices):
    SERVICE = "service", _("会员服务所需的基本信息")
    NOTIFICATIONS = "notifications", _("接收工会消息推送")
    ID_NUMBER = "id_number", _("身份证号（敏感个人信息）")
    HEALTH = "health", _("健康信息（敏感个人信息）")
    FINANCIAL = "financial", _("收入与银行账户（敏感个人信息）")
    CARE = "care", _("根据考勤工时推送关怀（体检、防暑、法律援助等）")


SENSITIVE_PURPOSES = {ConsentPurpose.ID_NUMBER, ConsentPurpose.HEALTH, ConsentPurpose.FINANCIAL}


class Consent(Scoped):
    """One row per decision; the latest row per purpose is in force. Rows are never changed, so
    the record proves what was agreed and when."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=30, choices=ConsentPurpose.choices)
    granted = models.BooleanField()
    at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["member", "purpose", "at"], name="consent_latest")]


class DeletionStatus(models.TextChoices):
    REQUESTED = "requested", _("待审核")
    APPROVED = "approved", _("已删除")
    REJECTED = "rejected", _("未批准")


class DeletionRequest(Scoped):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="deletion_requests")
    status = models.CharField(max_length=20, choices=DeletionStatus.choices, default=DeletionStatus.REQUESTED)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    decision_note = models.CharField(max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(status="requested"), name="deletion_one_open"
            )
        ]

    @property
    def org(self) -> Org:
        return self.member.org


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("处理中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class RosterImport(Scoped):
    """An uploaded roster. The file holds ID numbers, so it is kept encrypted and dropped once read."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="roster_imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=200)
    site_column = models.CharField(max_length=20, blank=True, default="")  # e.g. 部门: read as 工作地点
    content = EncryptedTextField(blank=True, default="")
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    @property
    def error_count(self) -> int:
        return len(self.errors)


# -- B8 proxy consent (代办): a member lets a volunteer or staff member file for them --------------------------------------------------------------------------


class ConsentMethod(models.TextChoices):
    CODE = "code", _("会员手机验证码")
    SIGNATURE = "signature", _("会员手写签名")


class ProxyConsent(Scoped):
    """A member's consent that `actor` may file for them (代办). Granted by a one-time code sent to
    the member or by the member's signature; valid for a limited time, for that actor only, until
    the member revokes it. Kept apart from the member's own `members.Consent` rows: what it
    grants (`purposes`: health or financial data, and only when the member confirmed by their own
    code) holds for this proxy's filings while it lasts, never beyond."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="proxy_consents")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=10, choices=ConsentMethod.choices)
    purposes = models.JSONField(default=list, blank=True)  # sensitive purposes the member agreed to
    code_digest = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    signature = models.FileField(upload_to="proxy/%Y/%m/", blank=True)
    granted_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        db_table = "benefits_proxyconsent"  # where it was made; the table kept its name

    @property
    def org(self) -> Org:
        return self.member.org

    @property
    def live(self) -> bool:
        """Granted, not revoked, not yet expired: the proxy may file with it now."""
        return self.granted_at is not None and self.revoked_at is None and self.expires_at > timezone.now()
