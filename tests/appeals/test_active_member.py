"""One check decides who may file as a member: a member who left is refused an appeal (page,
API and the fast path) and a legal case, with one code and one status."""

from __future__ import annotations

import pytest

from unionhome.appeals import legal, services
from unionhome.core.errors import DomainError
from unionhome.members.models import MemberStatus

from ..conftest import bearer


@pytest.fixture
def left(personas):
    personas.member.status = MemberStatus.LEFT
    personas.member.save(update_fields=["status"])
    return personas


def test_a_member_who_left_cannot_file_an_appeal_in_the_service(left):
    with pytest.raises(DomainError) as caught:
        services.appeal_submit(actor=left.member_user, text="工资拖欠了两个月，请帮忙")
    assert (caught.value.code, caught.value.status) == ("not_member", 403)


def test_a_member_who_left_cannot_open_a_legal_case(left):
    with pytest.raises(DomainError) as caught:
        legal.legal_case_open(actor=left.member_user, kind="consultation", summary="想咨询劳动合同的问题")
    assert (caught.value.code, caught.value.status) == ("not_member", 403)


def test_a_member_who_left_is_refused_on_every_path(left, client, as_user):
    body = {"text": "工资拖欠了两个月，请帮忙"}
    r = client.post("/api/v1/appeals", body, content_type="application/json", **bearer(client, "member"))
    assert r.status_code == 403 and r.json()["code"] == "not_member"
    r = as_user(left.member_user).post("/api/v1/appeals", body, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "not_member"


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/transfers", {"to_org_id": 1, "reason": "换了工作"}),
        ("/api/v1/me/leave", {"reason": "退休"}),
        ("/api/v1/me/proxy-consents", None),
        ("/api/v1/claims", {"type": "overtime", "fields": {}}),
        ("/api/v1/hardship/cases", {"kind": "illness", "summary": "住院"}),
        ("/api/v1/legal-cases", {"kind": "consultation", "summary": "想咨询劳动合同的问题"}),
    ],
)
def test_every_member_only_action_refuses_a_member_who_left_the_same_way(left, client, url, body):
    """Eight checks used to answer 403 in six places and 409 in two; one rule answers now."""
    from unionhome.benefits.catalogue import catalogue_install

    catalogue_install(org=left.tree.union)
    headers = bearer(client, "member")
    if body is None:
        answer = client.get(url, **headers)
    else:
        body = {**body, "to_org_id": left.tree.other_union.pk} if "to_org_id" in body else body
        answer = client.post(url, body, content_type="application/json", **headers)
    assert (answer.status_code, answer.json()["code"]) == (403, "not_member"), answer.content
