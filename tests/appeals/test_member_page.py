"""The member's appeal page: a stepper of where it stands, who handles it in plain words, and
while it is open 补充材料 and 催办."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from unionhome.appeals import services
from unionhome.appeals.models import Appeal, Attachment, Route
from unionhome.core.errors import Conflict, NotFound
from unionhome.core.models import Notification, Role

from ..conftest import login_client
from ..factories import UserFactory, grant
from .test_loop import submit

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_the_page_shows_a_stepper_the_handler_and_the_route_in_plain_words(personas):
    appeal = submit(personas)
    client = login_client(personas.member_user)
    page = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert (
        'class="step done"' in page and 'aria-current="step"><span class="dot" aria-hidden="true">2' in page
    )
    assert "工会正在安排" in page

    services.appeal_route(appeal, actor=personas.staff, route=Route.COORDINATION)
    page = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert "限期协调" not in page and "工会在期限内找单位有关部门协调解决" in page
    assert page.count('class="step done"') == 2


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "宿舍热水器坏了，已经三天没有热水，领导也不管，请工会帮忙协调一下吧谢谢大家",
            "宿舍热水器坏了，已经三天没有热水，领导也不管…",
        ),
        ("工资少发了三百块。问了队长也不说为什么", "工资少发了三百块"),
        ("短短一句话", "短短一句话"),
    ],
)
def test_a_title_is_never_cut_on_a_comma(text, title):
    assert Appeal(text=text).display_title == title


def test_the_member_adds_words_and_a_photo_and_the_owner_hears(personas):
    appeal = submit(personas)
    Appeal.objects.filter(pk=appeal.pk).update(owner=personas.staff)
    appeal.refresh_from_db()
    client = login_client(personas.member_user)
    photo = SimpleUploadedFile("p.png", PNG, content_type="image/png")
    response = client.post(
        f"/appeals/{appeal.pk}/", {"action": "supplement", "text": "还有考勤截图", "photos": [photo]}
    )
    assert response.status_code == 302
    assert Attachment.objects.filter(appeal=appeal).count() == 1
    assert Notification.objects.filter(user=personas.staff, title__contains="补充了材料").exists()
    empty = client.post(f"/appeals/{appeal.pk}/", {"action": "supplement", "text": " "})
    assert empty.status_code == 400 and "请写下要补充的内容" in empty.content.decode()


def test_nobody_else_adds_or_urges_and_a_closed_appeal_takes_neither(personas):
    appeal = submit(personas)
    with pytest.raises(NotFound):
        services.appeal_supplement(appeal, actor=personas.other_user, text="冒充补充")
    with pytest.raises(NotFound):
        services.appeal_urge(appeal, actor=personas.other_user)
    assert (
        login_client(personas.other_user).post(f"/appeals/{appeal.pk}/", {"action": "urge"}).status_code
        == 404
    )
    services.appeal_route(appeal, actor=personas.staff, route=Route.IMMEDIATE)
    services.appeal_close(appeal, actor=personas.staff, outcome="resolved", reply="已解决")
    with pytest.raises(Conflict):
        services.appeal_supplement(appeal, actor=personas.member_user, text="再补充")
    with pytest.raises(Conflict):
        services.appeal_urge(appeal, actor=personas.member_user)


def test_urging_once_a_day_and_the_chair_hears_when_it_is_overdue(personas):
    chair = grant(UserFactory(username="chair"), personas.tree.union, Role.CHAIR)
    appeal = submit(personas)
    Appeal.objects.filter(pk=appeal.pk).update(overdue=True, due_on=dt.date(2026, 1, 5))
    appeal.refresh_from_db()
    client = login_client(personas.member_user)
    assert client.post(f"/appeals/{appeal.pk}/", {"action": "urge"}).status_code == 302
    assert Notification.objects.filter(user=personas.staff, title__contains="催办").exists()
    assert Notification.objects.get(user=chair, title__contains="催办").urgent
    again = client.post(f"/appeals/{appeal.pk}/", {"action": "urge"}, follow=True)
    assert "今天已经催办过了" in again.content.decode()
    assert Notification.objects.filter(user=personas.staff, title__contains="催办").count() == 1
