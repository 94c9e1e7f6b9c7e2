import datetime as dt

from django.utils import timezone

from unionhome.core.models import ApiToken, AuditLog
from unionhome.core.tasks import purge_expired_tokens, purge_old_audit_entries

from ..factories import UserFactory


def test_audit_purge_keeps_at_least_six_months(db, settings):
    settings.AUDIT_RETENTION_DAYS = 30  # too short: six months still kept
    old, recent = (AuditLog.objects.create(action="x", object_type="t", object_id=str(i)) for i in range(2))
    AuditLog.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=200))
    AuditLog.objects.filter(pk=recent.pk).update(at=timezone.now() - dt.timedelta(days=100))
    purge_old_audit_entries.call_local()
    assert list(AuditLog.objects.filter(object_type="t").values_list("object_id", flat=True)) == [
        recent.object_id
    ]


def test_expired_tokens_are_purged(db):
    user = UserFactory()
    ApiToken.objects.create(user=user, digest="a" * 64, expires_at=timezone.now() - dt.timedelta(days=1))
    ApiToken.objects.create(user=user, digest="b" * 64, expires_at=timezone.now() + dt.timedelta(days=1))
    purge_expired_tokens.call_local()
    assert list(ApiToken.objects.values_list("digest", flat=True)) == ["b" * 64]


def test_nightly_group_recompute_moves_people_with_the_calendar(personas):
    from unionhome.members.models import Member
    from unionhome.members.tasks import recompute_service_groups

    Member.objects.filter(pk=personas.member.pk).update(hired_on=timezone.localdate() - dt.timedelta(days=10))
    assert "new_hire" not in Member.objects.get(pk=personas.member.pk).group_codes
    assert recompute_service_groups.call_local() >= 2
    assert "new_hire" in Member.objects.get(pk=personas.member.pk).group_codes
