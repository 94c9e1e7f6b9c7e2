"""Who may change the shared knowledge base, which every union's members read: only the admins of
the root union (the top of the org tree). A sub-union's staff and admins manage their own union's
entries, through the API and the staff pages alike."""

from __future__ import annotations

import pytest

from unionhome.assistant.models import Entry
from unionhome.core.models import Role

from ..conftest import login_client
from ..factories import UserFactory, grant

JSON = "application/json"
CHANGED = {"question": "改过的问题？", "answer": "改过的答案。", "category": "other"}


@pytest.fixture
def sub_admin(personas):
    """An admin of a sub-union (安居物业工会), below the root (春晖街道总工会)."""
    return grant(UserFactory(username="sub_admin"), personas.tree.union, Role.ADMIN)


def _unchanged(kb_id: str) -> bool:
    entry = Entry.objects.get(kb_id=kb_id)
    return entry.question != CHANGED["question"] and entry.active


def test_sub_union_admin_cannot_change_a_shared_entry_by_api(kb, personas, sub_admin):
    client = login_client(sub_admin)
    assert client.get("/api/v1/kb/kb-001").status_code == 200  # reading it is fine
    r = client.put("/api/v1/kb/kb-001", CHANGED, content_type=JSON)
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert client.delete("/api/v1/kb/kb-001").status_code == 403
    assert client.post("/api/v1/kb", CHANGED, content_type=JSON).status_code == 403
    assert _unchanged("kb-001")
    assert not Entry.objects.filter(question=CHANGED["question"]).exists()


def test_sub_union_admin_cannot_change_a_shared_entry_by_page(kb, personas, sub_admin):
    client = login_client(sub_admin)
    page = client.get("/staff/kb/kb-001/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "只有总工会管理员可以编辑公共知识库" in text and 'value="retire"' not in text
    assert client.post("/staff/kb/kb-001/", CHANGED).status_code == 403
    assert client.post("/staff/kb/kb-001/", {"action": "retire"}).status_code == 403
    assert _unchanged("kb-001")


def test_root_admin_changes_shared_entries(kb, personas):
    client = login_client(personas.admin)
    assert client.put("/api/v1/kb/kb-001", CHANGED, content_type=JSON).status_code == 200
    assert Entry.objects.get(kb_id="kb-001").question == CHANGED["question"]
    r = client.post("/staff/kb/kb-002/", {**CHANGED, "question": "页面改的问题？"})
    assert r.status_code == 302 and Entry.objects.get(kb_id="kb-002").question == "页面改的问题？"
    new = client.post("/staff/kb/new/", {**CHANGED, "question": "公共新问题？"})
    assert new.status_code == 302 and Entry.objects.get(question="公共新问题？").org is None
    assert client.post("/staff/kb/kb-003/", {"action": "retire"}).status_code == 302
    assert Entry.objects.get(kb_id="kb-003").active is False


def test_sub_union_admin_manages_their_own_unions_entries(kb, personas, sub_admin):
    client = login_client(sub_admin)
    union = personas.tree.union
    created = client.post("/api/v1/kb", {**CHANGED, "org": union.pk}, content_type=JSON)
    assert created.status_code == 201
    kb_id = created.json()["kb_id"]
    r = client.put(f"/api/v1/kb/{kb_id}", {**CHANGED, "answer": "再改一次。"}, content_type=JSON)
    assert r.status_code == 200 and Entry.objects.get(kb_id=kb_id).answer == "再改一次。"
    # A new entry from the page lands in their own union, not in the shared base.
    page = client.post("/staff/kb/new/", {**CHANGED, "question": "本会的问题？"})
    assert page.status_code == 302
    assert Entry.objects.get(question="本会的问题？").org == union
    own = Entry.objects.get(question="本会的问题？").kb_id
    assert client.post(f"/staff/kb/{own}/", {**CHANGED, "question": "本会改过？"}).status_code == 302
    assert client.post(f"/staff/kb/{own}/", {"action": "retire"}).status_code == 302
    assert Entry.objects.get(kb_id=own).active is False
    assert client.delete(f"/api/v1/kb/{kb_id}").status_code == 204


def test_sub_union_admin_cannot_touch_another_unions_entries(kb, personas, sub_admin):
    other = login_client(personas.staff_other)
    kb_id = other.post(
        "/api/v1/kb", {**CHANGED, "org": personas.tree.other_union.pk}, content_type=JSON
    ).json()["kb_id"]
    client = login_client(sub_admin)
    assert client.put(f"/api/v1/kb/{kb_id}", CHANGED, content_type=JSON).status_code == 404
    assert client.post(f"/staff/kb/{kb_id}/", CHANGED).status_code == 404
    # nor write one into the root union or another union by naming it
    for org in (personas.tree.street, personas.tree.other_union):
        r = client.post("/api/v1/kb", {**CHANGED, "org": org.pk}, content_type=JSON)
        assert r.status_code == 404


def test_staff_of_the_root_who_are_not_admins_cannot_change_shared_entries(kb, personas):
    root_staff = grant(UserFactory(username="root_staff"), personas.tree.street, Role.STAFF)
    client = login_client(root_staff)
    assert client.put("/api/v1/kb/kb-001", CHANGED, content_type=JSON).status_code == 403
    assert client.post("/staff/kb/kb-001/", CHANGED).status_code == 403
    assert _unchanged("kb-001")
