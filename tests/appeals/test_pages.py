"""Appeal pages: who may open them, forms that keep what was typed, text shown escaped."""

import datetime as dt

import pytest

from unionhome.appeals import dispatch, services
from unionhome.appeals.models import Appeal, LegalCase, Route
from unionhome.core.models import Role

from ..conftest import login_client
from ..factories import UserFactory, grant

TEXT = "宿舍热水器坏了半个月，报修好几次都没人来，下了班洗不了澡。"


@pytest.fixture
def appeal(personas):
    return services.appeal_submit(actor=personas.member_user, text=TEXT)


def test_member_submits_from_the_page_and_sees_the_timeline(personas):
    client = login_client(personas.member_user)
    assert client.get("/appeals/new/").status_code == 200
    r = client.post("/appeals/new/", {"text": TEXT, "title": "热水器"})
    appeal = Appeal.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/appeals/{appeal.pk}/"
    page = client.get(r["Location"]).content.decode()
    assert appeal.number in page and "诉求已提交" in page
    assert appeal.number in client.get("/appeals/").content.decode()


def test_station_qr_prefills_the_site_and_records_the_channel(personas):
    client = login_client(personas.member_user)
    page = client.get(f"/appeals/new/?site={personas.tree.site.pk}&station=1").content.decode()
    assert f'<option value="{personas.tree.site.pk}" selected>' in page and 'name="station" value="1"' in page
    client.post("/appeals/new/", {"text": TEXT, "site": personas.tree.site.pk, "station": "1"})
    assert Appeal.objects.get().channel == "station"


def test_a_bad_form_keeps_what_was_typed(personas):
    client = login_client(personas.member_user)
    r = client.post("/appeals/new/", {"text": "短", "title": "我的标题"})
    assert r.status_code == 200
    page = r.content.decode()
    assert "至少 5 个字" in page and 'value="我的标题"' in page
    r = client.post("/appeals/new/", {"text": TEXT, "photos": [_fake_image()]})
    page = r.content.decode()
    assert "只能上传 JPEG、PNG 或 WebP 图片" in page and TEXT in page
    assert not Appeal.objects.exists()


def _fake_image():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")


def test_script_is_shown_escaped(personas):
    appeal = services.appeal_submit(actor=personas.member_user, text="<script>alert('x')</script>食堂太差")
    for user, url in (
        (personas.member_user, f"/appeals/{appeal.pk}/"),
        (personas.staff, f"/staff/appeals/{appeal.pk}/"),
    ):
        page = login_client(user).get(url).content.decode()
        assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_member_b_and_outsiders_get_404(personas, appeal):
    for user, url in (
        (personas.other_user, f"/appeals/{appeal.pk}/"),
        (personas.staff_other, f"/staff/appeals/{appeal.pk}/"),
        (personas.staff_other, f"/appeals/{appeal.pk}/"),
        (personas.handler, f"/appeals/{appeal.pk}/"),
    ):
        assert login_client(user).get(url).status_code == 404, (user, url)


def test_members_are_refused_staff_pages(personas):
    client = login_client(personas.member_user)
    for url in (
        "/staff/appeals/",
        "/staff/appeals/new/",
        "/staff/appeals/figures/",
        "/staff/appeals/risks/",
        "/staff/appeals/rectification/",
        "/staff/appeals/stations/",
        "/staff/legal/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.get("/handler/").status_code == 404


def test_staff_pages_render(personas, appeal):
    client = login_client(personas.staff)
    for url in (
        "/staff/appeals/",
        "/staff/appeals/?tab=overdue",
        "/staff/appeals/?tab=channel&channel=box",
        "/staff/appeals/new/",
        "/staff/appeals/figures/?by=site",
        "/staff/appeals/risks/",
        "/staff/appeals/rectification/",
        "/staff/appeals/stations/",
        "/staff/legal/",
        f"/staff/appeals/{appeal.pk}/",
    ):
        assert client.get(url).status_code == 200, url
    assert appeal.number in client.get("/staff/appeals/").content.decode()


def test_one_tap_route_and_hotline_entry(personas, appeal):
    client = login_client(personas.staff)
    r = client.post(f"/staff/appeals/{appeal.pk}/route/", {"route": Route.POLICY, "tab": "new"})
    assert r.status_code == 302
    appeal.refresh_from_db()
    assert appeal.route == Route.POLICY and appeal.due_on
    r = client.post(
        "/staff/appeals/new/",
        {"on_behalf_of": "other", "channel": "hotline", "received_at": "2026-11-20T09:15", "text": TEXT},
    )
    entered = Appeal.objects.exclude(pk=appeal.pk).get()
    assert r.status_code == 302 and entered.member == personas.other and entered.channel == "hotline"
    assert entered.received_at.date() == dt.date(2026, 11, 20)
    r = client.post(
        "/staff/appeals/new/",
        {"on_behalf_of": "nobody", "channel": "hotline", "received_at": "2026-11-20T09:15", "text": TEXT},
    )
    assert "找不到这位会员" in r.content.decode() or "请填写会员的用户名或手机号" in r.content.decode()
    assert TEXT in r.content.decode()


def test_staff_page_walks_route_dispatch_close_follow(personas, appeal):
    client = login_client(personas.staff)
    url = f"/staff/appeals/{appeal.pk}/"
    client.post(url, {"action": "confirm", "category": "living"})
    client.post(url, {"action": "route", "route": "coordination", "workdays": "3"})
    appeal.refresh_from_db()
    assert appeal.workdays == 3 and appeal.category_confirmed
    grant(UserFactory(username="h2"), personas.tree.union, Role.HANDLER, "行政部")
    client.post(
        url,
        {
            "action": "dispatch",
            "department_1": "人力资源部",
            "department_2": "行政部",
            "workdays": "2",
            "evidence": "维修记录",
        },
    )
    assert list(appeal.dispatches.values_list("department", flat=True)) == ["人力资源部", "行政部"]
    handler = login_client(personas.handler)
    step = appeal.dispatches.get(position=1)
    assert step.appeal.number in handler.get("/handler/").content.decode()
    r = handler.post(f"/handler/{step.pk}/", {"answer": "已安排维修"})
    assert r.status_code == 302
    r = client.post(url, {"action": "close", "outcome": "resolved", "reply": "已修好"})
    assert (
        "还有部门没有反馈" in r.content.decode() and "已修好" in r.content.decode()
    )  # 行政部 has not answered

    admin_dept = login_client(
        grant(UserFactory(username="h_admin"), personas.tree.union, "handler", "行政部")
    )
    assert (
        admin_dept.post(f"/handler/{appeal.dispatches.get(position=2).pk}/", {"answer": "同意"}).status_code
        == 302
    )
    client.post(url, {"action": "close", "outcome": "resolved", "reply": "已修好"})
    client.post(url, {"action": "follow", "knows_result": "on", "accepts_result": "on"})
    appeal.refresh_from_db()
    assert appeal.status == "closed" and appeal.knows_result and appeal.accepts_result
    member = login_client(personas.member_user)
    r = member.post(f"/appeals/{appeal.pk}/", {"rating": "5"})
    appeal.refresh_from_db()
    assert r.status_code == 302 and appeal.rating == 5


def test_handler_of_another_department_gets_404(personas, appeal):
    from ..factories import UserFactory, grant

    services.appeal_route(appeal, actor=personas.staff, route=Route.COORDINATION)
    step = dispatch.appeal_dispatch(appeal, actor=personas.staff, steps=[{"department": "人力资源部"}])[0]
    safety = grant(UserFactory(username="safety"), personas.tree.union, "handler", "安全部")
    assert login_client(safety).get(f"/handler/{step.pk}/").status_code == 404


def test_legal_pages(personas):
    member = login_client(personas.member_user)
    r = member.post("/legal/", {"kind": "legal_aid", "summary": "公司拖欠三个月工资", "q_is_member": "on"})
    case = LegalCase.objects.get()
    assert r.status_code == 302 and case.eligible is False
    assert "暂不符合法律援助条件" in member.get(f"/legal/{case.pk}/").content.decode()
    assert login_client(personas.other_user).get(f"/legal/{case.pk}/").status_code == 404
    staff = login_client(personas.staff)
    rights = LegalCase.objects.create(
        org=personas.member.org,
        member=personas.member,
        kind="rights",
        issue="wage_arrears",
        summary="欠薪两个月",
        evidence={"attendance": False, "payslips": False, "contract": False, "arrears_list": False},
    )
    staff.post(f"/legal/{rights.pk}/", {"action": "step", "step": "remind", "note": "已提示"})
    assert list(rights.steps.values_list("step", flat=True)) == ["remind"]
    # A member cannot move their own case along the ladder.
    member.post(f"/legal/{rights.pk}/", {"action": "step", "step": "consult"})
    assert rights.steps.count() == 1


def test_outsiders_get_404_on_staff_actions(personas, appeal):
    outsider = login_client(personas.staff_other)
    assert outsider.post(f"/staff/appeals/{appeal.pk}/route/", {"route": Route.POLICY}).status_code == 404
    assert (
        outsider.post(f"/staff/appeals/{appeal.pk}/", {"action": "route", "route": Route.POLICY}).status_code
        == 404
    )
    appeal.refresh_from_db()
    assert appeal.route == "" and appeal.status == "submitted"


def test_the_member_gets_their_photos_but_not_a_departments_evidence(personas, as_user):
    """The pages show the member their own photos, not what a department sent the union; the
    file route answers the same."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from unionhome.appeals import services
    from unionhome.appeals.models import Attachment
    from unionhome.benefits.demo import sample_png

    photo = SimpleUploadedFile("p.png", sample_png(), content_type="image/png")
    appeal = services.appeal_submit(
        actor=personas.member_user, text="宿舍热水器坏了一周了，请帮忙联系维修", photos=[photo]
    )
    services.appeal_route(appeal, actor=personas.staff, route="coordination")
    dispatch.appeal_dispatch(
        appeal, actor=personas.staff, steps=[{"department": "人力资源部", "workdays": 3}]
    )
    step = appeal.dispatches.get()
    evidence = SimpleUploadedFile("e.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    dispatch.dispatch_answer(step, actor=personas.handler, answer="已核实并补发", files=[evidence])
    own = Attachment.objects.get(appeal=appeal, dispatch__isnull=True)
    internal = Attachment.objects.get(appeal=appeal, dispatch__isnull=False)
    member = as_user(personas.member_user)
    assert member.get(f"/appeals/files/{own.pk}/").status_code == 200
    assert member.get(f"/appeals/files/{internal.pk}/").status_code == 404
    assert as_user(personas.staff).get(f"/appeals/files/{internal.pk}/").status_code == 200
    assert as_user(personas.handler).get(f"/appeals/files/{internal.pk}/").status_code == 200
