"""An enterprise's HR, attendance and training systems feeding the union (I1): each integration
has a key and a secret that signs what it sends; every event is kept once by its own id."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from unionhome.core.crypto import EncryptedTextField
from unionhome.core.guard import Scoped
from unionhome.core.models import Org


class Integration(Scoped):
    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="integrations", verbose_name=_("工会")
    )
    name = models.CharField(_("名称"), max_length=100)
    key = models.CharField(max_length=32, unique=True)
    secret = EncryptedTextField()  # the HMAC key: read to check each signature, shown once
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]


class EventType(models.TextChoices):
    HIRE = "hire", _("入职")
    LEAVE = "leave", _("离职")
    TRANSFER = "transfer", _("调动")
    CHANGE = "change", _("调岗调班")
    ATTENDANCE = "attendance", _("考勤")
    TRAINING = "training", _("培训完成")


class Event(Scoped):
    """One event applied, by the sender's id: the same id again is a duplicate, never applied
    twice. Holds what it was about, not the personal data it carried."""

    # Indexed by the unique (integration, event_id) below: no index of its own to keep up.
    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    event_id = models.CharField(max_length=100)
    type = models.CharField(max_length=12, choices=EventType.choices)
    employee_no = models.CharField(max_length=30)
    date = models.DateField()
    member = models.ForeignKey("members.Member", null=True, on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["integration", "event_id"], name="integration_event_once")
        ]


class Attendance(Scoped):
    """A member's working day as the attendance system reports it (one row a day, the latest
    report standing): what the care flags (G6) read."""

    # Both indexed by the (org, date) index and the unique (member, date) below: a feed writes
    # thousands of rows a request, and every index is kept up on each.
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", db_index=False)
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="attendance", db_index=False
    )
    date = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=2)
    overtime_hours = models.DecimalField(max_digits=4, decimal_places=2, default=0)
    shift = models.CharField(max_length=20, blank=True)
    night = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "date"], name="attendance_one_a_day")]
        indexes = [models.Index(fields=["org", "date"], name="attendance_org_date")]


class TrainingRecord(Scoped):
    """A training the enterprise's system says a member completed (for the learning record)."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="trainings")
    date = models.DateField()
    course = models.CharField(max_length=200)
    hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
