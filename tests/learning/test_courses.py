"""Issue #24, D1: courses reach the members their union (or a union above that shares them)
aims them at; progress is earned on the server's clock, not clicked; an offline session counts
by its QR check-in; 逢学必考 keeps a course open until its exam is passed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from unionhome.core.errors import DomainError, NotFound
from unionhome.core.guard import system
from unionhome.learning import courses, services
from unionhome.learning.models import Enrolment, Exam, Question

from ..conftest import api_token
from ..factories import MemberFactory, OrgFactory

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def course(personas):
    c = courses.course_create(
        org=personas.tree.union, data={"title": "电梯困人应急处置", "audience": {"posts": ["repair"]}}
    )
    courses.lesson_add(course=c, data={"kind": "video", "title": "处置流程", "seconds": 100})
    courses.lesson_add(course=c, data={"kind": "text", "title": "注意事项", "body": "先安抚，再报告。"})
    return c


def test_a_course_reaches_its_audience_and_a_shared_one_reaches_the_unions_below(personas, course):
    member = personas.member  # in the branch under the union; post "other"
    assert courses.courses_for(member) == []
    member.post = "repair"
    member.save()
    assert [c.pk for c in courses.courses_for(member)] == [course.pk]
    course.shared = False  # a course the union keeps to its own members: the branch's do not get it
    course.save()
    assert courses.courses_for(member) == []
    elsewhere = MemberFactory(org=personas.tree.other_union, post="repair")
    with pytest.raises(NotFound):
        courses.course_for(elsewhere, course.pk)


def test_a_video_counts_only_after_heartbeats_over_ninety_percent_on_the_servers_clock(personas, course):
    member = personas.member
    video = course.lessons.get(kind="video")
    # a script posting every position at once earns one stretch
    for second in range(0, 101, 10):
        progress = courses.heartbeat(member, video, second, now=T0)
    assert progress.seen.count("1") == 1 and progress.done_at is None and progress.position == 100
    # a player beating every 10 s: 9 of the 10 stretches finish it
    for i, second in enumerate(range(10, 90, 10), start=1):
        progress = courses.heartbeat(member, video, second + 3, now=T0 + dt.timedelta(seconds=10 * i))
    assert progress.seen.count("1") == 9 and progress.done_at is not None
    assert progress.position == 83  # where it resumes
    with pytest.raises(DomainError):
        courses.heartbeat(member, video, 101, now=T0)
    with pytest.raises(DomainError):
        courses.heartbeat(member, video, -1, now=T0)


def test_a_text_counts_when_opened_and_read_to_the_end_then_the_course_is_finished(personas, course):
    member = personas.member
    member.post = "repair"
    member.save()
    text = course.lessons.get(kind="text")
    with pytest.raises(DomainError):
        courses.reached_end(member, text)  # not opened yet
    courses.lesson_open(member, text)
    courses.reached_end(member, text)
    state = courses.state(member, course)
    assert (state["done"], state["total"], state["finished"]) == (1, 2, False)
    video = course.lessons.get(kind="video")
    for i in range(10):
        courses.heartbeat(member, video, i * 10, now=T0 + dt.timedelta(seconds=10 * i))
    assert courses.state(member, course)["finished"]
    enrolment = Enrolment.objects.get(member=member, course=course)
    assert enrolment.started_at and enrolment.completed_at


def test_an_offline_session_counts_by_check_in_and_an_exam_required_finishes_the_course(personas):
    from unionhome.activities.models import Activity, Signup

    member = personas.member
    union = personas.tree.union
    for i in range(3):
        Question.objects.create(org=union, kind="truefalse", text=f"题{i}", answer=[True], tags="|维修|")
    exam = services.exam_create(
        org=union,
        data={
            "title": "结业考试",
            "rules": [{"tags": ["维修"], "kind": "truefalse", "count": 3}],
            "minutes": 10,
        },
    )
    c = courses.course_create(org=union, data={"title": "管道维修", "exam": exam.pk, "exam_required": True})
    now = timezone.now()
    with system():
        activity = Activity.objects.create(
            org=union,
            title="管道维修实操课",
            starts_at=now,
            ends_at=now,
            capacity=20,
            remaining=19,
            signup_closes_at=now,
        )
    courses.lesson_add(course=c, data={"kind": "session", "title": "实操课", "activity": activity.pk})
    with system():
        signup = Signup.objects.create(activity=activity, member=member, status="confirmed", short_code="S1")
    assert courses.state(member, c)["done"] == 0
    with system():
        Signup.objects.filter(pk=signup.pk).update(checked_in_at=now)
    state = courses.state(member, c)
    assert state["done"] == 1 and not state["finished"]  # the exam is still to pass
    attempt = services.attempt_start(exam=exam, member=member)
    services.attempt_submit(attempt=attempt, answers={str(q): [True] for q in attempt.questions})
    assert courses.state(member, c)["finished"]
    assert Enrolment.objects.get(member=member, course=c).completed_at is not None
    # a session lesson must be the union's own activity
    other = OrgFactory(name="别的工会", parent=personas.tree.street)
    with system():
        theirs = Activity.objects.create(
            org=other,
            title="别家活动",
            starts_at=now,
            ends_at=now,
            capacity=1,
            remaining=1,
            signup_closes_at=now,
        )
    with pytest.raises(DomainError):
        courses.lesson_add(course=c, data={"kind": "session", "title": "x", "activity": theirs.pk})
    assert Exam.objects.count() == 1


def test_the_api_lists_courses_with_progress_and_refuses_strangers(personas, course, client):
    personas.member.post = "repair"
    personas.member.save()
    member = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'member')}"}
    listed = client.get("/api/v1/courses", **member).json()
    assert [c["title"] for c in listed] == ["电梯困人应急处置"] and listed[0]["total"] == 2
    video = course.lessons.get(kind="video")
    r = client.post(
        f"/api/v1/lessons/{video.pk}/heartbeat", {"position": 35}, content_type="application/json", **member
    )
    assert r.status_code == 200 and r.json() == {"done": False, "position": 35, "share": 0.1}
    assert (
        client.post(
            f"/api/v1/lessons/{video.pk}/heartbeat",
            {"position": 1e40},
            content_type="application/json",
            **member,
        ).status_code
        == 422
    )
    text = course.lessons.get(kind="text")
    assert client.post(f"/api/v1/lessons/{text.pk}/end", **member).status_code == 400  # not opened
    client.post(f"/api/v1/lessons/{text.pk}/open", **member)
    assert client.post(f"/api/v1/lessons/{text.pk}/end", **member).json()["done"] is True
    # another union's member: the course and its lessons do not exist for them
    other = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'other')}"}  # in the union, post other
    assert client.get(f"/api/v1/courses/{course.pk}", **other).status_code == 404
    assert (
        client.post(
            f"/api/v1/lessons/{video.pk}/heartbeat", {"position": 5}, content_type="application/json", **other
        ).status_code
        == 404
    )
    staff = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff')}"}
    r = client.post(
        "/api/v1/courses",
        {"title": "保洁化学品安全", "audience": {"posts": ["cleaning"]}},
        content_type="application/json",
        **staff,
    )
    assert r.status_code == 201
    r = client.post(
        f"/api/v1/courses/{r.json()['id']}/lessons",
        {"kind": "video", "title": "x", "seconds": 0},
        content_type="application/json",
        **staff,
    )
    assert r.status_code == 400 and "seconds" in r.json()["fields"]
    outsider = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff_other')}"}
    assert (
        client.post(
            f"/api/v1/courses/{course.pk}/lessons",
            {"kind": "text", "title": "x"},
            content_type="application/json",
            **outsider,
        ).status_code
        == 404
    )
