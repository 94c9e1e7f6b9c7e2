"""Issue #23, item 8 (I1): signed events from an enterprise's HR and attendance systems. Wrong
signature, stale timestamp, replayed event id, malformed event — each a clear answer and nothing
half-applied."""

import datetime as dt
import json
import time
from decimal import Decimal

from unionhome.core.models import Notification
from unionhome.integrations import services
from unionhome.integrations.models import Attendance, Event, TrainingRecord
from unionhome.members.models import Member

from ..conftest import api_token
from .conftest import send

HIRE = {"id": "h1", "type": "hire", "employee_no": "N001", "date": "2026-11-02", "name": "新人甲",
        "phone": "13600000001", "site": "翠湖小区", "post": "保安"}  # fmt: skip


def test_a_hire_a_day_of_work_a_training_and_a_leave_land_where_they_belong(personas, client, feed):
    r = send(
        client,
        feed,
        [
            HIRE,
            {
                "id": "a1",
                "type": "attendance",
                "employee_no": "N001",
                "date": "2026-11-03",
                "hours": 12,
                "overtime_hours": 4,
                "shift": "夜班",
                "night": True,
            },
            {
                "id": "t1",
                "type": "training",
                "employee_no": "N001",
                "date": "2026-11-04",
                "course": "消防安全",
                "hours": 2,
            },
            {"id": "c1", "type": "change", "employee_no": "N001", "date": "2026-11-05", "shift": "夜班"},
            {"id": "l1", "type": "leave", "employee_no": personas.member.employee_no, "date": "2026-11-30"},
        ],  # fmt: skip
    )
    assert r.status_code == 200 and r.json() == {"accepted": 5, "duplicates": 0, "errors": []}
    hired = Member.objects.get(employee_no="N001")
    assert (hired.name, hired.status, hired.hired_on, hired.post, hired.shift) == (
        "新人甲", "roster", dt.date(2026, 11, 2), "security", "night"
    )  # fmt: skip
    day = Attendance.objects.get(member=hired)
    assert (day.hours, day.overtime_hours, day.night) == (Decimal("12.00"), Decimal("4.00"), True)
    assert TrainingRecord.objects.get(member=hired).course == "消防安全"
    personas.member.refresh_from_db()
    assert personas.member.left_on == dt.date(2026, 11, 30)
    assert Notification.objects.filter(
        user=personas.member_user, url="/transfer/"
    ).exists()  # keep or transfer


def test_a_replayed_event_id_is_a_duplicate_and_changes_nothing(personas, client, feed):
    send(client, feed, [HIRE])
    again = send(client, feed, [{**HIRE, "name": "改了名字"}])
    assert again.json() == {"accepted": 0, "duplicates": 1, "errors": []}
    assert Member.objects.get(employee_no="N001").name == "新人甲"
    assert Event.objects.filter(event_id="h1").count() == 1


def test_a_wrong_or_stale_signature_is_401_and_changes_nothing(personas, client, feed):
    assert send(client, feed, [HIRE], secret="0" * 64).status_code == 401
    assert send(client, feed, [HIRE], at=int(time.time()) - 301).status_code == 401
    assert send(client, feed, [HIRE], at=int(time.time()) + 301).status_code == 401
    body = json.dumps({"events": [HIRE]}).encode()
    bare = client.post(f"/api/v1/integrations/{feed['key']}/events", body, content_type="application/json")
    assert bare.status_code == 401
    signed_other_body = client.post(
        f"/api/v1/integrations/{feed['key']}/events",
        body,
        content_type="application/json",
        HTTP_X_UNIONHOME_SIGNATURE=services.sign(feed["secret"], b'{"events": []}'),
    )
    assert signed_other_body.status_code == 401
    unknown = client.post(
        "/api/v1/integrations/nope/events",
        body,
        content_type="application/json",
        HTTP_X_UNIONHOME_SIGNATURE=services.sign(feed["secret"], body),
    )
    assert unknown.status_code == 401
    assert not Member.objects.filter(employee_no="N001").exists() and not Event.objects.exists()


def test_bad_events_are_reported_one_by_one_and_the_good_ones_kept(personas, client, feed):
    events = [
        HIRE,
        "not an object",
        {"id": "x1", "type": "fire", "employee_no": "N001", "date": "2026-11-03"},
        {"id": "x2", "type": "attendance", "employee_no": "N001", "date": "2026-02-30", "hours": 8},
        {"id": "x3", "type": "attendance", "employee_no": "N001", "date": "2026-11-03", "hours": 1e40},
        {"id": "x4", "type": "attendance", "employee_no": "NOBODY", "date": "2026-11-03", "hours": 8},
        {
            "id": "x5",
            "type": "hire",
            "employee_no": "N002",
            "date": "2026-11-03",
            "name": "乙",
            "phone": "123",
        },
        {
            "id": "x6",
            "type": "hire",
            "employee_no": "N003",
            "date": "9999-01-01",
            "name": "丙",
            "phone": "13600000003",
        },
        {"id": "x7", "type": "leave", "employee_no": "N001", "date": "2026-01-01"},  # before the hire
        {
            "id": "x8",
            "type": "attendance",
            "employee_no": "N001",
            "date": "2026-11-03",
            "hours": 8,
            "night": "yes",
        },
        {"id": "ok", "type": "attendance", "employee_no": "N001", "date": "2026-11-03", "hours": 8},
    ]
    body = send(client, feed, events).json()
    assert (body["accepted"], body["duplicates"]) == (2, 0)
    assert [e["id"] for e in body["errors"]] == ["", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"]
    assert all(e["reason"] for e in body["errors"])
    assert Member.objects.get(employee_no="N001").left_on is None  # the refused leave changed nothing
    assert not Member.objects.filter(employee_no__in=["N002", "N003"]).exists()
    for raw in (b"not json", b"[1, 2]", b'{"events": 5}'):
        assert send(client, feed, None, raw=raw).status_code == 400


def test_only_staff_over_the_union_create_integrations_and_events_stay_in_its_subtree(personas, client, feed):
    member = api_token(client, "member")
    other = api_token(client, "staff_other")
    payload = {"name": "x", "org": personas.tree.union.pk}
    for token, code in ((member, 403), (other, 404)):
        r = client.post(
            "/api/v1/integrations",
            payload,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert r.status_code == code
    # an employee number of another union is not this integration's to change
    stranger = Member.objects.filter(org=personas.tree.other_union).exclude(employee_no=None).first()
    if stranger is None:
        from ..factories import MemberFactory

        stranger = MemberFactory(org=personas.tree.other_union, employee_no="OTHER1")
    r = send(
        client,
        feed,
        [{"id": "s1", "type": "leave", "employee_no": stranger.employee_no, "date": "2026-11-30"}],
    )
    assert r.json()["accepted"] == 0
    stranger.refresh_from_db()
    assert stranger.left_on is None


def test_a_first_big_feed_leaves_the_planner_statistics_of_its_tables(
    personas, client, feed, django_capture_on_commit_callbacks
):
    """Without statistics PostgreSQL took a lookup of a thousand event ids to match the whole
    event table and scanned it for each: a new union's first feed ran five times slower. A bulk
    load of 1,000 rows or more refreshes them as it commits (SQLite plans without them)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Member.objects.bulk_create(
        Member(org=personas.tree.union, name=f"考勤{i}", employee_no=f"K{i:04d}", status="roster")
        for i in range(1000)
    )
    day = {"type": "attendance", "date": "2026-11-03", "hours": 8}
    events = [{**day, "id": f"k{i}", "employee_no": f"K{i:04d}"} for i in range(1000)]
    with CaptureQueriesContext(connection) as seen, django_capture_on_commit_callbacks(execute=True):
        assert send(client, feed, events).json()["accepted"] == 1000
    analysed = [q["sql"] for q in seen.captured_queries if q["sql"].startswith("ANALYZE")]
    if connection.vendor == "postgresql":
        assert analysed == ['ANALYZE "integrations_event"', 'ANALYZE "integrations_attendance"']
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'integrations_event'")
            assert cursor.fetchone()[0] >= 1000
    else:
        assert analysed == []
    small = [{**day, "id": f"s{i}", "employee_no": f"K{i:04d}", "date": "2026-11-04"} for i in range(999)]
    with CaptureQueriesContext(connection) as seen, django_capture_on_commit_callbacks(execute=True):
        assert send(client, feed, small).json()["accepted"] == 999
    assert not [q for q in seen.captured_queries if q["sql"].startswith("ANALYZE")]
