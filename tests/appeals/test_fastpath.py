"""A member's intake and status calls, served before the framework (core.fastpath), answer as the
ordinary routes do: same status, same JSON, same headers, same visibility; a body that does not
validate, or is not JSON, is left to the framework's field-level 422."""

from __future__ import annotations

import json

import pytest

from unionhome.appeals.dispatch import appeal_dispatch
from unionhome.appeals.models import Appeal, Channel, Dispatch
from unionhome.appeals.services import appeal_route, appeal_submit
from unionhome.core.models import AuditLog, Notification

from ..conftest import bearer
from ..factories import MemberFactory, UserFactory
from ..wsgi import SECURITY_HEADERS, Recorder, call, fast_app

pytestmark = pytest.mark.django_db

TEXT = "宿舍热水器坏了，报修好几次都没人来修，下夜班洗不了澡。<script>alert(1)</script>"
VARYING = {"id", "number", "received_at"}


def same_headers(fast: dict, plain) -> None:
    for name in SECURITY_HEADERS:
        assert fast.get(name) == plain.get(name), name


def test_intake_answers_as_the_ordinary_route(client, personas, django_capture_on_commit_callbacks):
    app, member = fast_app(), bearer(client, "member")
    body = json.dumps({"text": TEXT, "title": "热水器", "anonymous": True}).encode()
    with django_capture_on_commit_callbacks(execute=True):
        status, fast, fast_headers = call(app, "/api/v1/appeals", member, body=body)
    assert Recorder.calls <= 1  # at most the one probe of the shared headers
    plain = client.post("/api/v1/appeals", body, content_type="application/json", **member)
    assert (status, plain.status_code) == (201, 201)
    assert {k: v for k, v in fast.items() if k not in VARYING} == {
        k: v for k, v in plain.json().items() if k not in VARYING
    }
    same_headers(fast_headers, plain.headers)
    appeal = Appeal.objects.get(pk=fast["id"])
    assert appeal.number == fast["number"] and appeal.text == TEXT  # stored as typed
    assert (appeal.member, appeal.submitted_by, appeal.anonymous) == (
        personas.member,
        personas.member_user,
        True,
    )
    assert fast["received_at"].endswith("+08:00") and fast["due_on"] is None
    # The same trail as the ordinary route: the timeline entry and the member's notice (from the
    # task queue, after commit).
    assert AuditLog.objects.filter(object_id=str(appeal.pk), action="appeals.appeal.submitted").count() == 1
    assert Notification.objects.filter(user=personas.member_user, url=f"/appeals/{appeal.pk}/").exists()


def test_staff_entries_and_refusals_on_the_fast_path(client, personas):
    app = fast_app()
    entry = {
        "text": "电话反映：工地三个月没发工资了，二十多人",
        "channel": "hotline",
        "on_behalf_of": "member",
    }
    status, body, _ = call(app, "/api/v1/appeals", bearer(client, "staff"), body=json.dumps(entry).encode())
    assert status == 201 and body["channel"] == Channel.HOTLINE and body["urgent"] is True
    assert Appeal.objects.get(pk=body["id"]).member == personas.member
    # A member may not enter a hotline call: 403, as from the framework, and nothing is written.
    before = Appeal.objects.count()
    status, body, _ = call(app, "/api/v1/appeals", bearer(client, "member"), body=json.dumps(entry).encode())
    assert (status, body["code"]) == (403, "forbidden")
    # Not a member of any union: 403 not_member.
    UserFactory(username="outsider")
    status, body, _ = call(
        app, "/api/v1/appeals", bearer(client, "outsider"), body=json.dumps({"text": TEXT}).encode()
    )
    assert (status, body["code"]) == (403, "not_member")
    assert Appeal.objects.count() == before


@pytest.mark.parametrize(
    ("body", "content_type", "field"),
    [
        (json.dumps({"text": "短"}).encode(), "application/json", "text"),
        (json.dumps({"text": "字" * 2001}).encode(), "application/json", "text"),
        (b'{"text": "' + "宿舍热水器坏了".encode() + b'", "channel": "fax"}', "application/json", "channel"),
        (b"{not json", "application/json", None),
        (b"text=hello+there", "application/x-www-form-urlencoded", None),
    ],
)
def test_bad_bodies_get_the_frameworks_answer(client, personas, body, content_type, field):
    app, member = fast_app(), bearer(client, "member")
    status, fast, _ = call(app, "/api/v1/appeals", member, body=body, content_type=content_type)
    assert Recorder.calls >= 1  # handed to Django, which read the same body
    plain = client.post("/api/v1/appeals", body, content_type=content_type, **member)
    assert status == plain.status_code and 400 <= status < 500
    assert fast == plain.json()
    if field:
        assert field in fast["fields"]
    assert not Appeal.objects.exists()


def test_status_answers_as_the_ordinary_route(client, personas):
    appeal = appeal_submit(actor=personas.member_user, text=TEXT, anonymous=True)
    appeal_route(appeal, actor=personas.staff, route="coordination")
    appeal_dispatch(
        appeal,
        actor=personas.staff,
        steps=[{"department": "人力资源部", "workdays": 2, "evidence": "工资表"}],
    )
    assert Dispatch.objects.filter(appeal=appeal).count() == 1
    app = fast_app()
    path = f"/api/v1/appeals/{appeal.pk}"
    for who in ("member", "staff", "handler"):
        headers = bearer(client, who)
        status, fast, fast_headers = call(app, path, headers, method="GET")
        plain = client.get(path, **headers)
        assert (status, plain.status_code) == (200, 200), who
        assert fast == plain.json(), who
        same_headers(fast_headers, plain.headers)
        assert [e["text"] for e in fast["timeline"]][:1] == ["诉求已提交"]
    # What each may see: the member not the departments' feedback, the handler not the name.
    seen = {
        who: call(app, path, bearer(client, who), method="GET")[1] for who in ("member", "staff", "handler")
    }
    assert seen["member"]["dispatches"] == [] and seen["member"]["member"] == "王建国"
    assert len(seen["staff"]["dispatches"]) == 1 and seen["staff"]["member"] == "王建国"
    assert seen["handler"]["member"] is None  # anonymous: hidden from the department
    assert Recorder.calls <= 1


def test_status_is_404_for_anyone_who_may_not_see_it(client, personas):
    appeal = appeal_submit(actor=personas.member_user, text=TEXT)
    MemberFactory(org=personas.tree.other_union, user=UserFactory(username="elsewhere"), name="赵六")
    app = fast_app()
    for who in ("other", "elsewhere", "staff_other"):
        headers = bearer(client, who)
        status, fast, _ = call(app, f"/api/v1/appeals/{appeal.pk}", headers, method="GET")
        plain = client.get(f"/api/v1/appeals/{appeal.pk}", **headers)
        assert (status, plain.status_code) == (404, 404), who
        assert fast == plain.json() and fast["code"] == "not_found"
    status, fast, _ = call(app, "/api/v1/appeals/999999", bearer(client, "member"), method="GET")
    assert (status, fast["code"]) == (404, "not_found")
    assert Recorder.calls <= 1
