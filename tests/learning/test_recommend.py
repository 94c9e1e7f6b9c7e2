"""Issue #24, D4: courses and contests for the member's post and skill level first, each with its
reason; never a finished course or an entered contest; a dismissal is kept and holds."""

from __future__ import annotations

from unionhome.insights import recommend
from unionhome.insights.models import Dismissal
from unionhome.learning import contests, courses

from ..conftest import login_client


def test_courses_for_the_members_post_and_level_come_first_and_say_why(personas):
    member = personas.member
    member.post, member.skill_level = "repair", "middle"
    member.save()
    union = personas.tree.union
    general = courses.course_create(org=union, data={"title": "职工权益入门"})
    mine = courses.course_create(
        org=union,
        data={"title": "管道维修进阶", "audience": {"posts": ["repair"], "levels": ["middle", "senior"]}},
    )
    courses.course_create(
        org=union, data={"title": "保洁化学品安全", "audience": {"posts": ["cleaning"]}}
    )  # not for them
    picks = recommend.recommendations(personas.member_user, kinds={"course", "contest"})
    assert [p.item.title for p in picks] == ["管道维修进阶", "职工权益入门"]
    assert picks[0].reason == "因为您是维修岗·中级工" and picks[1].reason == "新课程"
    # a finished course never comes back
    lesson = courses.lesson_add(course=mine, data={"kind": "text", "title": "读完即可"})
    courses.lesson_open(member, lesson)
    courses.reached_end(member, lesson)
    assert [p.item.title for p in recommend.recommendations(personas.member_user, kinds={"course"})] == [
        "职工权益入门"
    ]
    # 不感兴趣: kept for the insight work, and the course stays away
    client = login_client(personas.member_user)
    client.post("/recommendations/dismiss/", {"item": f"course:{general.pk}", "next": "/learning/"})
    assert Dismissal.objects.filter(member=member, item=f"course:{general.pk}").exists()
    assert recommend.recommendations(personas.member_user, kinds={"course"}) == []


def test_an_open_contest_is_recommended_until_entered_and_the_learning_page_asks_for_its_panel(personas):
    personas.member.post = "repair"
    personas.member.save()
    from unionhome.core.models import Role

    from ..factories import UserFactory, grant

    grant(UserFactory(username="jr"), personas.tree.union, Role.STAFF)
    contest = contests.contest_create(
        org=personas.tree.union,
        data={
            "title": "管道维修技能比武",
            "criteria": [{"name": "质量", "weight": 1}],
            "judges": ["jr"],
            "audience": {"posts": ["repair"]},
        },
    )
    client = login_client(personas.member_user)
    assert "/panels/learning/" in client.get("/learning/").content.decode()
    panel = client.get("/panels/learning/").content.decode()
    assert "管道维修技能比武" in panel and "因为您是维修岗" in panel and "不感兴趣" in panel
    contests.entry_add(contest=contest, member=personas.member)
    assert "管道维修技能比武" not in client.get("/panels/learning/").content.decode()
