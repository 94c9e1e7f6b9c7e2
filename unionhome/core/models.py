"""The shared kernel's data: people who log in, the org tree every record is scoped to, roles,
the audit trail, the inbox, API tokens and the working-day overrides.

The org tree lives here rather than in `members` because every business row of every app points
at an `Org` and the scoping helper in `core.scoping` must know the tree.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .guard import Scoped


class User(AbstractUser):
    phone = models.CharField(_("手机号"), max_length=20, unique=True, null=True, blank=True)
    elder_mode = models.BooleanField(_("长辈版"), default=False)
    language = models.CharField(_("语言"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def display_name(self) -> str:
        return self.first_name or self.username

    def save(self, *args, **kwargs):
        """A new password or a deactivated account ends every API token and browser session of
        the account: whoever had the old password, or the phone of someone who left, keeps
        nothing. (Django's session hash already refuses old sessions after a password change;
        the tokens are ours to end.)"""
        existing = not self._state.adding
        password_changed = self._password is not None  # set by set_password until saved
        super().save(*args, **kwargs)
        if existing and (password_changed or not self.is_active):
            self.sign_out_everywhere()

    def sign_out_everywhere(self, *, keep: str | None = None) -> int:
        """End every API token and recorded browser session but the session `keep`; how many."""
        from importlib import import_module

        tokens, _ = ApiToken.objects.filter(user=self).delete()
        ended = LoginSession.objects.filter(user=self).exclude(session_key=keep or "")
        keys = list(ended.values_list("session_key", flat=True))
        store = import_module(settings.SESSION_ENGINE).SessionStore
        for key in keys:
            store(session_key=key).delete()
        ended.delete()
        return tokens + len(keys)


class OrgKind(models.TextChoices):
    HIGHER = "higher", _("上级工会")
    ENTERPRISE = "enterprise", _("企业工会")
    BRANCH = "branch", _("分会")
    GROUP = "group", _("工会小组")


class Org(models.Model):
    """A node of the union tree. `path` is a materialised path ("0001.0007.") so a subtree is one
    indexed `startswith` query on every database."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    city = models.CharField(_("城市"), max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("组织")
        verbose_name_plural = _("组织")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.path:
            # Save first to get the id, then derive the path from the parent's.
            self.path = f"tmp-{id(self)}"
            super().save(*args, **kwargs)
            prefix = self.parent.path if self.parent_id else ""
            self.path = f"{prefix}{self.pk:06d}."
            kwargs.pop("force_insert", None)
            super().save(update_fields=["path"])
            return
        super().save(*args, **kwargs)

    @property
    def depth(self) -> int:
        return self.path.count(".") - 1

    def ancestor_paths(self) -> list[str]:
        """The paths of this node and every node above it, root first."""
        return [self.path[: i + 1] for i, ch in enumerate(self.path) if ch == "."]

    def enterprise(self) -> Org | None:
        """The enterprise union this node belongs to (itself, or the nearest such ancestor)."""
        ids = path_ids(self.path)
        chain = {o.pk: o for o in Org.objects.filter(pk__in=ids)}
        for pk in reversed(ids):
            if chain[pk].kind == OrgKind.ENTERPRISE:
                return chain[pk]
        return None


def path_ids(path: str) -> list[int]:
    """The org ids along a materialised path, root first ("000001.000005." → [1, 5])."""
    return [int(part) for part in path.strip(".").split(".") if part]


class Site(Scoped):
    """A work site under an org: a residential community, a building, a project, a station."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    # Where it is (WGS-84) and whether it hosts a union service station (职工服务站): what the
    # demand analysis measures a busy site's distance to the nearest station with.
    latitude = models.DecimalField(
        _("纬度"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )  # fmt: skip
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )  # fmt: skip
    station = models.BooleanField(_("设有职工服务站"), default=False)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="site_unique_name_per_org")]
        verbose_name = _("工作地点")
        verbose_name_plural = _("工作地点")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    MEMBER = "member", _("会员")
    VOLUNTEER = "volunteer", _("志愿者")
    STAFF = "staff", _("工会干部")
    HANDLER = "handler", _("承办人")
    CHAIR = "chair", _("工会主席")
    ADMIN = "admin", _("管理员")


class RoleAssignment(models.Model):
    """A role held over an org and everything below it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=20, choices=Role.choices)
    department = models.CharField(_("部门"), max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "org", "role"], name="role_unique")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()} @ {self.org}"


class Department(Scoped):
    """A department of an enterprise (人力资源部, 行政部 …) that the union sends 会办单 to. The
    list is kept by the union's staff; a department's handlers hold the HANDLER role on the same
    org with its name. A department is retired, never deleted: old dispatches still name it."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="departments")
    name = models.CharField(_("部门名称"), max_length=50)
    active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["org_id", "name"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="department_unique_name")]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return self.name


class AuditLog(Scoped):
    """Every state change and every read of personal data. Rows are only ever added.

    `timeline` marks the entries a member sees in the status timeline of their own record; the
    timeline and the audit trail are the same rows."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=50)
    org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    timeline = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "pk"]
        # Each audited change writes every index here, so there are few: a record's trail, an
        # action since a date (the weekly review), and `at` alone for the retention sweep. None is
        # on `action` alone, which on PostgreSQL would be two (one more for LIKE searches).
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"], name="audit_object"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
        ]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class Notification(Scoped):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    # What sent it, when a figure needs the rows back (e.g. "notice:12" for a notice's reach).
    ref = models.CharField(max_length=40, blank=True, default="")
    # An alert that must not be buried (an urgent appeal, a 急难 case): pinned above the rest
    # until read. A database default too: a bulk INSERT … SELECT (benefits.campaigns) need not
    # name it.
    urgent = models.BooleanField(default=False, db_default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        # The unread count is one index-only lookup on (user, read_at).
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(fields=["ref", "read_at"], name="notification_ref", condition=~models.Q(ref="")),
        ]


class OutboxTask(models.Model):
    """A background task written in the same transaction as the change that calls for it (a
    transactional outbox, core.outbox): it reaches the task queue if and only if that change
    commits, even when the process stops right after the commit or the queue is unreachable."""

    task = models.CharField(max_length=200)  # the task's import path
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)


class WorkdayOverride(models.Model):
    """An admin's correction of the official calendar, or the calendar for a year the
    `chinesecalendar` package does not know yet."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.is_workday else '休'} {self.note}"


class ApiToken(models.Model):
    """A bearer token for apps. Only its SHA-256 is stored. Ended by deleting it: by its holder
    (`DELETE /api/v1/auth/token`, or from the profile page), a new password, or deactivation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100, blank=True)  # the app or device that asked for it
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)


class LoginSession(models.Model):
    """A browser session, recorded at login so its person can see it and end it from another
    device (the session store cannot be searched by person). The session itself stays Django's."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
