"""The inbox clears: opening a message reads it; repeats of one title are one row; urgent alerts
are pinned above everything until read."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from unionhome.core.models import Notification
from unionhome.core.notifications import inbox_threads, notify

from ..conftest import login_client


def test_opening_a_message_reads_it_and_goes_where_it_points(personas):
    n = notify(personas.member_user, "诉求已受理", url="/appeals/")
    client = login_client(personas.member_user)
    response = client.get(f"/inbox/{n.pk}/")
    assert response.status_code == 302 and response["Location"] == "/appeals/"
    n.refresh_from_db()
    assert n.read_at is not None
    assert "未读" not in client.get("/inbox/").content.decode()


def test_a_message_with_nowhere_to_go_returns_to_itself_and_a_bad_link_is_not_followed(personas):
    plain = notify(personas.member_user, "停水通知")
    bad = notify(personas.member_user, "奇怪的链接", url="javascript:alert(1)")
    client = login_client(personas.member_user)
    assert client.get(f"/inbox/{plain.pk}/")["Location"] == f"/inbox/#m{plain.pk}"
    assert client.get(f"/inbox/{bad.pk}/")["Location"] == f"/inbox/#m{bad.pk}"


def test_nobody_opens_anothers_message(personas):
    theirs = notify(personas.other_user, "您的申领已批准")
    assert login_client(personas.member_user).get(f"/inbox/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    mine = notify(personas.member_user, "活动提醒")
    login_client(personas.member_user).get(f"/inbox/{mine.pk}/?also={theirs.pk}")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_repeats_are_one_row_and_opening_it_reads_them_all(personas):
    for n in range(3):
        notify(personas.staff, "新的福利申领", f"申领 {n}", url="/staff/benefits/")
    notify(personas.staff, "诉求已超期")
    pinned, threads = inbox_threads(personas.staff)
    assert pinned == [] and [len(t.ids) for t in threads] == [1, 3]
    client = login_client(personas.staff)
    page = client.get("/inbox/").content.decode()
    assert page.count("新的福利申领") == 1 and "共 3 条" in page

    lead = threads[1]
    client.get(f"/inbox/{lead.lead.pk}/?" + "&".join(f"also={o.pk}" for o in lead.others))
    assert not Notification.objects.filter(pk__in=lead.ids, read_at__isnull=True).exists()


def test_an_urgent_alert_is_pinned_first_until_read(personas):
    urgent = notify(personas.staff, "【急难】新的帮扶申请 H-1", urgent=True)
    Notification.objects.filter(pk=urgent.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    for n in range(5):
        notify(personas.staff, f"新消息 {n}")
    page = login_client(personas.staff).get("/inbox/").content.decode()
    assert page.index("紧急，请先处理") < page.index("【急难】") < page.index("新消息 4")

    login_client(personas.staff).get(f"/inbox/{urgent.pk}/")
    pinned, _threads = inbox_threads(personas.staff)
    assert pinned == []


def test_an_urgent_appeal_alerts_the_chair_as_urgent(personas):
    from unionhome.appeals import services
    from unionhome.core.models import Role

    from ..factories import UserFactory, grant

    chair = grant(UserFactory(username="chair"), personas.tree.union, Role.CHAIR)
    services.appeal_submit(
        actor=personas.member_user, text="井下巷道顶板掉渣，砸伤了一个工友，已经送医院了！"
    )
    assert Notification.objects.get(user=chair, title__contains="紧急诉求").urgent
