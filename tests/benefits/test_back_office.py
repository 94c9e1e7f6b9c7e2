"""Small things in the back office that cost staff time or a wrong tap."""

from __future__ import annotations

from unionhome.benefits import services
from unionhome.benefits.models import Claim, ClaimStatus
from unionhome.content.services import clean_html

from ..conftest import login_client


def test_after_a_decision_the_next_claim_waiting_opens(bb, overtime_claim):
    first, second = overtime_claim(), overtime_claim()
    client = login_client(bb.staff)
    response = client.post(f"/staff/benefits/claims/{first.pk}/", {"action": "approve", "note": ""})
    assert response.status_code == 302 and response["Location"] == f"/staff/benefits/claims/{second.pk}/"
    last = client.post(f"/staff/benefits/claims/{second.pk}/", {"action": "approve", "note": ""})
    assert last["Location"] == f"/staff/benefits/claims/{second.pk}/"  # none left: stay on it


def test_a_claim_without_an_amount_is_approved_without_one(bb):
    supplies_fields = {f["name"]: f for f in bb.supplies.fields}
    values = {
        name: (f.get("choices") or ["1"])[0] if f["kind"] in ("choice", "number") else "42"
        for name, f in supplies_fields.items()
        if f["kind"] != "file"
    }
    claim = services.claim_save(actor=bb.member_user, ctype=bb.supplies, values=values, submit=True)
    client = login_client(bb.staff)
    page = client.get(f"/staff/benefits/claims/{claim.pk}/").content.decode()
    assert "批准金额" not in page
    client.post(f"/staff/benefits/claims/{claim.pk}/", {"action": "approve", "note": ""})
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.APPROVED


def test_a_body_that_starts_at_h3_starts_at_h2():
    assert clean_html("<h3>一</h3><p>x</p><h4>二</h4>") == "<h2>一</h2><p>x</p><h3>二</h3>"
    assert clean_html("<h2>一</h2><h4>二</h4>") == "<h2>一</h2><h3>二</h3>"


def test_decisions_that_are_hard_to_undo_ask_first(bb, overtime_claim):
    claim = overtime_claim()
    page = login_client(bb.staff).get(f"/staff/benefits/claims/{claim.pk}/").content.decode()
    assert 'value="reject" data-confirm=' in page
