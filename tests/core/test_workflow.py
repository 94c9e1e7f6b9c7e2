import pytest

from unionhome.core.audit import object_ref
from unionhome.core.errors import Conflict
from unionhome.core.models import AuditLog
from unionhome.members.models import Transfer, TransferStatus
from unionhome.members.services import TRANSFER_FLOW


@pytest.fixture
def transfer(personas):
    return Transfer.objects.create(
        member=personas.member, from_org=personas.tree.branch, to_org=personas.tree.other_union
    )


def test_transition_moves_state_and_writes_timeline_and_audit(personas, transfer):
    TRANSFER_FLOW.apply(transfer, "accept", actor=personas.staff_other, note="欢迎")
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ACCEPTED
    entry = timeline_rows(transfer).get()
    assert entry.action == "members.transfer.accepted"
    assert entry.actor == personas.staff_other
    assert entry.data == {"from": "requested", "to": "accepted", "note": "欢迎"}


def test_undeclared_transition_is_refused(personas, transfer):
    TRANSFER_FLOW.apply(transfer, "cancel", actor=personas.member_user)
    with pytest.raises(Conflict) as err:
        TRANSFER_FLOW.apply(transfer, "accept", actor=personas.staff_other)
    assert err.value.code == "invalid_transition"


def test_stale_copy_loses_the_race(personas, transfer):
    stale = Transfer.objects.get(pk=transfer.pk)
    TRANSFER_FLOW.apply(transfer, "accept", actor=personas.staff_other)
    with pytest.raises(Conflict) as err:
        TRANSFER_FLOW.apply(stale, "reject", actor=personas.staff_other, note="晚了")
    assert err.value.code == "conflict"
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.ACCEPTED


def timeline_rows(obj):
    """The audit rows of `obj`'s timeline, as written."""
    object_type, object_id = object_ref(obj)
    return AuditLog.objects.filter(object_type=object_type, object_id=object_id, timeline=True)
