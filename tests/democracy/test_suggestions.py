"""Issue #25, F5: rationalisation suggestions — anonymous to members, one support a member, the
union's assessment in order, reasons and amounts checked."""

from __future__ import annotations

import pytest

from unionhome.core.errors import Conflict, DomainError
from unionhome.democracy import suggestions

from ..conftest import api_token, login_client


def test_submit_support_once_and_assess_in_order(personas, client):
    s = suggestions.submit(
        user=personas.member_user, title="电梯维保改为夜间", body="白天维保影响业主出行。", anonymous=True
    )
    assert suggestions.public_author(s) == "匿名" and s.author == personas.member
    with pytest.raises(Conflict):
        suggestions.support(suggestion=s, user=personas.member_user)  # not one's own
    suggestions.support(suggestion=s, user=personas.other_user)
    with pytest.raises(Conflict) as twice:
        suggestions.support(suggestion=s, user=personas.other_user)
    assert twice.value.code == "already_supported" and s.supports == 1
    with pytest.raises(Conflict):
        suggestions.assess(suggestion=s, status="implemented")  # not before it is adopted
    with pytest.raises(DomainError):
        suggestions.assess(suggestion=s, status="rejected")  # not adopted needs its reason
    suggestions.assess(suggestion=s, status="assessed", value="120000")
    suggestions.assess(suggestion=s, status="adopted", reward="2000")
    suggestions.assess(suggestion=s, status="implemented")
    s.refresh_from_db()
    assert (s.status, s.value, s.reward) == ("implemented", 120000, 2000)
    # members see it without the name; staff of another union cannot touch it
    listed = client.get(
        "/api/v1/suggestions", HTTP_AUTHORIZATION=f"Bearer {api_token(client, 'other')}"
    ).json()
    assert [(x["title"], x["author"]) for x in listed] == [("电梯维保改为夜间", "匿名")]
    outsider = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff_other')}"}
    r = client.post(
        f"/api/v1/suggestions/{s.pk}/assess",
        {"status": "assessed"},
        content_type="application/json",
        **outsider,
    )
    assert r.status_code == 404
    staff = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff')}"}
    t = suggestions.submit(user=personas.other_user, title="食堂增加窗口", body="排队太长。")
    for bad in ({"status": "assessed", "value": 1e40}, {"status": "done"}):
        assert (
            client.post(
                f"/api/v1/suggestions/{t.pk}/assess", bad, content_type="application/json", **staff
            ).status_code
            == 422
        ), bad


def test_the_pages(personas):
    member = login_client(personas.member_user)
    member.post(
        "/democracy/suggestions/",
        {"action": "submit", "title": "更衣室加装排风扇", "body": "夏天太闷。", "anonymous": "on"},
    )
    page = login_client(personas.other_user).get("/democracy/suggestions/").content.decode()
    assert "更衣室加装排风扇" in page and "匿名" in page and "王建国" not in page
    staff = login_client(personas.staff).get("/staff/democracy/suggestions/").content.decode()
    assert "王建国" in staff and "对会员匿名" in staff
