"""Targeted notices: the audience, the batched fan-out into inboxes, channels, the reach figure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from unionhome.content import services
from unionhome.content.models import Notice, NoticeStatus
from unionhome.core.models import Notification, Role
from unionhome.core.notifications import mark_read, unread_count

from ..conftest import login_client
from ..factories import MemberFactory, SiteFactory, UserFactory, grant, make_id


@pytest.fixture
def crowd(personas, tree):
    """Members with different sites, posts, ages and roles in the union's subtree."""
    north = SiteFactory(org=tree.union, name="北苑小区")
    today = timezone.localdate()
    people = {}
    for i, (name, site, post, age) in enumerate(
        [
            ("保安甲", north, "security", 58),
            ("保洁乙", north, "cleaning", 45),
            ("维修丙", tree.site, "repair", 30),
        ]
    ):
        user = UserFactory(username=f"crowd{i}")
        member = MemberFactory(
            org=tree.union,
            site=site,
            user=user,
            name=name,
            post=post,
            phone=user.phone,
            identity=make_id(20 + i),
        )
        member.birth_date = today.replace(year=today.year - age) - dt.timedelta(days=10)
        member.save()
        people[name] = member
    grant(people["保洁乙"].user, tree.union, Role.VOLUNTEER)
    for member, age in ((personas.member, 35), (personas.other, 38)):
        member.birth_date = today.replace(year=today.year - age) - dt.timedelta(days=10)
        member.post = "other"
        member.save()
    return dict(people, north=north)


def send(personas, django_capture_on_commit_callbacks, **audience):
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.notice_send(
            actor=personas.staff, org=personas.tree.union, title="消防演练", body="周六9点", audience=audience
        )
    notice.refresh_from_db()
    return notice


def recipients(notice):
    return set(Notification.objects.filter(ref=notice.ref).values_list("user__username", flat=True))


def test_everyone_in_the_subtree_by_default(personas, crowd, django_capture_on_commit_callbacks):
    notice = send(personas, django_capture_on_commit_callbacks)
    assert notice.status == NoticeStatus.SENT and notice.sent_at
    assert recipients(notice) == {"member", "other", "crowd0", "crowd1", "crowd2"}
    assert notice.recipients == 5


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        ({"posts": ["security"]}, {"crowd0"}),
        ({"age_min": 50}, {"crowd0"}),
        ({"age_max": 40}, {"crowd2", "member", "other"}),
        ({"roles": ["volunteer"]}, {"crowd1"}),
        ({"age_min": 40, "age_max": 60, "posts": ["cleaning", "security"]}, {"crowd0", "crowd1"}),
    ],
)
def test_audience_conditions(personas, crowd, django_capture_on_commit_callbacks, audience, expected):
    assert recipients(send(personas, django_capture_on_commit_callbacks, **audience)) == expected


def test_by_site_and_service_group(personas, crowd, django_capture_on_commit_callbacks):
    assert recipients(send(personas, django_capture_on_commit_callbacks, sites=[crowd["north"].pk])) == {
        "crowd0",
        "crowd1",
    }
    from unionhome.members.models import MemberGroup

    MemberGroup.objects.filter(member__in=[crowd["保安甲"], crowd["维修丙"]]).delete()
    MemberGroup.objects.create(member=crowd["保安甲"], group="near_retirement")
    MemberGroup.objects.create(member=crowd["维修丙"], group="near_retirement")
    expected = set(
        MemberGroup.objects.filter(group="near_retirement").values_list("member__user__username", flat=True)
    )
    assert {"crowd0", "crowd2"} <= expected
    assert (
        recipients(send(personas, django_capture_on_commit_callbacks, groups=["near_retirement"])) == expected
    )


def test_bad_audiences_are_refused_by_field(personas, crowd):
    from unionhome.core.errors import DomainError

    for audience, field in [
        ({"sites": [personas.tree.other_site.pk]}, "sites"),
        ({"sites": ["²"]}, "sites"),  # a digit to str.isdigit(), not to int()
        ({"sites": [2**64]}, "sites"),
        ({"posts": ["astronaut"]}, "posts"),
        ({"age_min": 60, "age_max": 30}, "age_max"),
        ({"age_min": "old"}, "age_min"),
        ({"shoe_size": 42}, "audience"),
    ]:
        with pytest.raises(DomainError) as err:
            services.notice_send(
                actor=personas.staff, org=personas.tree.union, title="t", body="b", audience=audience
            )
        assert field in err.value.fields
    assert Notice.objects.count() == 0


def test_reach_follows_read_receipts(personas, crowd, django_capture_on_commit_callbacks):
    notice = send(personas, django_capture_on_commit_callbacks)
    assert services.notice_reach(notice) == {"recipients": 5, "read": 0, "rate": 0.0}
    mark_read(personas.member_user)
    mark_read(crowd["保安甲"].user)
    assert services.notice_reach(notice) == {"recipients": 5, "read": 2, "rate": 0.4}
    body = login_client(personas.staff).get(f"/api/v1/notices/{notice.pk}").json()
    assert body["read"] == 2 and body["reach"] == 0.4


def test_fan_out_runs_once(personas, crowd, django_capture_on_commit_callbacks):
    notice = send(personas, django_capture_on_commit_callbacks)
    assert services.notice_fan_out(notice.pk) == 0
    assert Notification.objects.filter(ref=notice.ref).count() == 5


def test_who_may_send_and_see(personas, crowd, django_capture_on_commit_callbacks):
    member, other_staff = login_client(personas.member_user), login_client(personas.staff_other)
    body = {"title": "通知", "body": "内容"}
    assert member.post("/api/v1/notices", body, content_type="application/json").status_code == 403
    assert (
        other_staff.post(
            "/api/v1/notices", {**body, "org": personas.tree.union.pk}, content_type="application/json"
        ).status_code
        == 404
    )
    staff = login_client(personas.staff)
    with django_capture_on_commit_callbacks(execute=True):
        r = staff.post(
            "/api/v1/notices", {**body, "audience": {"posts": ["repair"]}}, content_type="application/json"
        )
    assert r.status_code == 201, r.content
    notice_id = r.json()["id"]
    assert staff.get(f"/api/v1/notices/{notice_id}").json()["recipients"] == 1
    assert other_staff.get(f"/api/v1/notices/{notice_id}").status_code == 404
    assert member.get(f"/api/v1/notices/{notice_id}").status_code == 403
    r = staff.post(
        "/api/v1/notices/preview",
        {"audience": {"posts": ["security", "cleaning"]}},
        content_type="application/json",
    )
    assert r.json() == {"count": 2}


def test_sms_channel_goes_through_the_gateway(
    personas, crowd, stub_server, settings, django_capture_on_commit_callbacks
):
    from unionhome.core.errors import DomainError

    with pytest.raises(DomainError) as err:  # not configured: not offered
        services.notice_send(
            actor=personas.staff, org=personas.tree.union, title="t", body="b", channels=["sms"]
        )
    assert "channels" in err.value.fields
    settings.SMS_GATEWAY_URL = stub_server.url + "/sms"
    notice = None
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.notice_send(
            actor=personas.staff, org=personas.tree.union, title="停水通知", body="明天停水",
            audience={"posts": ["security"]}, channels=["sms"],
        )  # fmt: skip
    # The fan-out's own on-commit delivery runs in the task queue (immediate in tests).
    sms = [r["json"] for r in stub_server.requests if r["path"] == "/sms"]
    assert sms == [
        {"to": crowd["保安甲"].user.phone, "title": "停水通知", "body": "明天停水", "url": "/inbox/"}
    ]
    assert Notice.objects.get(pk=notice.pk).recipients == 1


def test_unread_count_is_one_indexed_query(personas, crowd, django_capture_on_commit_callbacks):
    send(personas, django_capture_on_commit_callbacks)
    with CaptureQueriesContext(connection) as queries:
        assert unread_count(personas.member_user) == 1
    assert len(queries) == 1
    sql = queries[0]["sql"]
    assert "COUNT" in sql.upper() and "read_at IS NULL" in sql.replace('"', "")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql.replace("%s", str(personas.member_user.pk)))
            plan = " ".join(row[0] for row in cursor.fetchall())
        assert "Index" in plan and "Seq Scan" not in plan  # (user, read_at) or the user foreign key


def test_links_stay_on_this_site(personas):
    from unionhome.core.errors import DomainError

    for url in ["https://evil.example/", "//evil.example/x"]:
        with pytest.raises(DomainError) as err:
            services.notice_send(actor=personas.staff, org=personas.tree.union, title="t", body="b", url=url)
        assert "url" in err.value.fields


def test_notice_page_for_staff_in_scope_only(personas, crowd, django_capture_on_commit_callbacks):
    notice = send(personas, django_capture_on_commit_callbacks)
    mark_read(personas.member_user)
    page = login_client(personas.staff).get(f"/staff/notices/{notice.pk}/")
    assert page.status_code == 200 and "20%" in page.content.decode()
    assert login_client(personas.staff_other).get(f"/staff/notices/{notice.pk}/").status_code == 404
    assert login_client(personas.member_user).get(f"/staff/notices/{notice.pk}/").status_code == 403


def test_notice_list_counts_reach_in_one_query(personas, crowd, django_capture_on_commit_callbacks):
    from unionhome.content import selectors

    for _ in range(3):
        send(personas, django_capture_on_commit_callbacks)
    mark_read(personas.member_user)
    staff = type(personas.staff).objects.get(pk=personas.staff.pk)  # roles not yet read
    with CaptureQueriesContext(connection) as queries:
        reach = [services.notice_reach(n) for n in selectors.notices_managed(staff)]
    assert [r["read"] for r in reach] == [1, 1, 1]
    assert len(queries) == 2  # the staff member's roles, then the notices with their counts


def test_the_notice_page_aims_at_shifts_as_the_api_does(personas, django_capture_on_commit_callbacks):
    """The notice form had copied the audience fields and lost 班次; it now uses the one set."""
    from unionhome.content.models import Notice

    staff = login_client(personas.staff)
    form = staff.get("/staff/notices/new/").content.decode()
    assert 'name="shifts"' in form and 'name="roles"' in form
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            "/staff/notices/new/",
            {
                "title": "夜班注意防暑",
                "body": "夜班同事请注意防暑降温",
                "shifts": ["night"],
                "roles": ["volunteer"],
            },
        )
    notice = Notice.objects.get()
    assert notice.audience["shifts"] == ["night"] and notice.audience["roles"] == ["volunteer"]
