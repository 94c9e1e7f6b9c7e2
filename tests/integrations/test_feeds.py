"""Issue #23, item 8 (I1), what the feeds set going: a hire's join reminder, night shifts onto
the shift group's lists, the hours scheme, the spreadsheet upload for an enterprise without IT,
and the same event ids sent twice at once."""

import datetime as dt
import http.client
import json
import threading
from urllib.parse import urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from unionhome.core.models import AuditLog
from unionhome.core.spreadsheets import xlsx_bytes
from unionhome.integrations import services
from unionhome.integrations.models import Attendance, Event
from unionhome.members.models import Member, MemberGroup

from ..conftest import api_token, login_client
from .conftest import send
from .test_events import HIRE

TODAY = timezone.localdate()


def day(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


def test_a_hire_not_in_the_union_is_texted_how_to_join(
    personas, client, feed, settings, stub_server, django_capture_on_commit_callbacks
):
    settings.SMS_GATEWAY_URL = stub_server.url + "/sms"
    settings.PUBLIC_URL = "https://home.example.org"
    rehire = {"id": "h2", "type": "hire", "employee_no": personas.member.employee_no, "date": day(3),
              "name": "王建国", "phone": personas.member.phone}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert send(client, feed, [HIRE, rehire]).json()["accepted"] == 2
    texts = [r["json"] for r in stub_server.requests if r["path"] == "/sms"]
    assert len(texts) == 1  # the member already in the union is not asked to join
    assert texts[0]["to"] == "13600000001"
    assert "新人甲" in texts[0]["body"] and "https://home.example.org/join/" in texts[0]["body"]
    hired = Member.objects.get(employee_no="N001")
    assert AuditLog.objects.filter(
        action="integrations.member.join_reminded", object_id=str(hired.pk)
    ).exists()


def test_night_shifts_put_a_day_worker_on_the_shift_groups_lists(personas, client, feed):
    member = personas.member
    assert not MemberGroup.objects.filter(member=member, group="frontline_shift").exists()
    nights = [
        {"id": f"n{i}", "type": "attendance", "employee_no": member.employee_no, "date": day(i),
         "hours": 8, "night": True}
        for i in (5, 4, 3)
    ]  # fmt: skip
    assert send(client, feed, nights).json()["accepted"] == 3
    member.refresh_from_db()
    assert member.last_night_on == TODAY - dt.timedelta(days=3)
    assert MemberGroup.objects.filter(member=member, group="frontline_shift").exists()
    # An older night reported late does not move the date back.
    late = {"id": "n9", "type": "attendance", "employee_no": member.employee_no, "date": day(9),
            "hours": 8, "night": True}  # fmt: skip
    send(client, feed, [late])
    member.refresh_from_db()
    assert member.last_night_on == TODAY - dt.timedelta(days=3)


def test_a_change_sets_the_hours_scheme(personas, client, feed):
    change = {"id": "s1", "type": "change", "employee_no": personas.member.employee_no, "date": day(1),
              "scheme": "综合计算工时（按季）"}  # fmt: skip
    assert send(client, feed, [change]).json()["accepted"] == 1
    personas.member.refresh_from_db()
    assert personas.member.hours_scheme == "quarter"
    bad = {**change, "id": "s2", "scheme": "弹性"}
    assert send(client, feed, [bad]).json()["errors"][0]["id"] == "s2"


def test_the_latest_report_of_a_day_stands(personas, client, feed):
    no = personas.member.employee_no
    first = {"id": "d1", "type": "attendance", "employee_no": no, "date": day(2), "hours": 8}
    second = {"id": "d2", "type": "attendance", "employee_no": no, "date": day(2), "hours": 10,
              "overtime_hours": 2}  # fmt: skip
    assert send(client, feed, [first, second]).json()["accepted"] == 2
    row = Attendance.objects.get(member=personas.member)
    assert (row.hours, row.overtime_hours) == (10, 2)


SHEET_HEADER = ["工号", "考勤日期", "出勤工时", "加班时长", "是否夜班"]


def upload(client, feed, data: bytes, name="考勤.xlsx"):
    return client.post(
        f"/api/v1/integrations/{feed['key']}/uploads",
        {"file": SimpleUploadedFile(name, data)},
        HTTP_AUTHORIZATION=f"Bearer {api_token(client, 'staff')}",
    )


def test_an_attendance_sheet_is_applied_row_by_row_and_twice_is_once(personas, client, feed):
    no = personas.member.employee_no
    rows = [
        [no, "2026年11月2日", 11, 3, "是"],
        [no, 46329, 8, 0, "否"],  # an Excel serial: 2026-11-03
        ["NOBODY", "2026/11/4", 8, 0, ""],
        [no, "2026-11-31", 8, 0, ""],
        [no, "2026.11.05", 30, 0, ""],
        [],
        [no, "2026-11-06", "8", "1.5", "夜班"],
    ]
    data = xlsx_bytes("考勤", SHEET_HEADER, rows)
    body = upload(client, feed, data).json()
    assert (body["accepted"], body["duplicates"]) == (3, 0)
    assert [e["row"] for e in body["errors"]] == [4, 5, 6]
    assert all(e["reason"] for e in body["errors"])
    days = dict(Attendance.objects.filter(member=personas.member).values_list("date", "overtime_hours"))
    assert days == {dt.date(2026, 11, 2): 3, dt.date(2026, 11, 3): 0, dt.date(2026, 11, 6): 1.5}
    assert Attendance.objects.get(member=personas.member, date=dt.date(2026, 11, 6)).night is True
    again = upload(client, feed, data).json()
    assert (again["accepted"], again["duplicates"]) == (0, 3)
    assert Event.objects.count() == 3


def test_a_gbk_csv_with_a_title_row_and_event_types(personas, client, feed):
    text = "安居物业人事变动表\r\n类型,工号,姓名,手机号码,日期,工作地点\r\n入职,N100,赵 六,136 0000 0100,2026/11/20,翠湖小区\r\n离职,N404,,,2026/11/20,\r\n转正,N100,,,2026/11/21,\r\n"
    body = upload(client, feed, text.encode("gbk"), "变动.csv").json()
    assert body["accepted"] == 1
    assert [(e["row"], bool(e["reason"])) for e in body["errors"]] == [(4, True), (5, True)]
    hired = Member.objects.get(employee_no="N100")
    assert (hired.name, hired.phone, hired.site.name) == ("赵六", "13600000100", "翠湖小区")


def test_a_sheet_without_its_columns_or_too_big_is_refused_whole(personas, client, feed, settings):
    body = upload(client, feed, xlsx_bytes("x", ["姓名", "备注"], [["甲", "乙"]])).json()
    assert body["accepted"] == 0 and "工号" in body["errors"][0]["reason"]
    settings.IMPORT_MAX_MB = 0
    r = upload(client, feed, xlsx_bytes("考勤", SHEET_HEADER, [["A", "2026-11-02", 8, 0, ""]]))
    assert r.status_code == 413 and "file" in r.json()["fields"]


def test_only_staff_over_the_integration_upload_to_it(personas, client, feed):
    data = xlsx_bytes("考勤", SHEET_HEADER, [[personas.member.employee_no, "2026-11-02", 8, 0, ""]])
    for who, status in (("staff_other", 404), ("member", 404)):
        r = client.post(
            f"/api/v1/integrations/{feed['key']}/uploads",
            {"file": SimpleUploadedFile("a.xlsx", data)},
            HTTP_AUTHORIZATION=f"Bearer {api_token(client, who)}",
        )
        assert r.status_code == status, who
    assert not Attendance.objects.exists()
    page = login_client(personas.staff_other).get(f"/staff/integrations/{feed['key']}/upload/")
    assert page.status_code == 404


def test_the_staff_pages_create_an_integration_and_take_a_sheet(personas):
    staff = login_client(personas.staff)
    r = staff.post("/staff/integrations/", {"org": personas.tree.union.pk, "name": "考勤机"})
    text = r.content.decode()
    assert r.status_code == 200 and "只显示这一次" in text
    integration = personas.tree.union.integrations.get(name="考勤机")
    assert integration.secret in text  # shown once here …
    assert integration.secret not in staff.get("/staff/integrations/").content.decode()  # … and never again
    data = xlsx_bytes(
        "考勤", SHEET_HEADER, [[personas.member.employee_no, "2026-11-02", 8, 0, ""], ["X", "y", 1, 0, ""]]
    )
    r = staff.post(
        f"/staff/integrations/{integration.key}/upload/", {"file": SimpleUploadedFile("考勤.xlsx", data)}
    )
    text = r.content.decode()
    assert "已导入 1 行" in text and "有问题 1 行" in text
    r = staff.post(
        f"/staff/integrations/{integration.key}/upload/", {"file": SimpleUploadedFile("a.txt", b"x")}
    )
    assert "请上传 Excel" in r.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_same_events_sent_twice_at_once_apply_once(personas, live_server, client, feed):
    events = [
        {"id": f"c{i}", "type": "attendance", "employee_no": personas.member.employee_no,
         "date": day(i), "hours": 8, "overtime_hours": 1}
        for i in range(1, 41)
    ]  # fmt: skip
    body = json.dumps({"events": events}).encode()
    url = urlparse(live_server.url)
    answers, failures = [], []
    barrier = threading.Barrier(4)

    def post():
        try:
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
            barrier.wait()
            header = services.sign(feed["secret"], body)
            conn.request(
                "POST",
                f"/api/v1/integrations/{feed['key']}/events",
                body,
                {"Content-Type": "application/json", "X-UnionHome-Signature": header},
            )
            answer = conn.getresponse()
            answers.append((answer.status, json.loads(answer.read())))
        except Exception as exc:  # noqa: BLE001 — reported below
            failures.append(exc)

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert [status for status, _ in answers] == [200] * 4
    assert sum(a["accepted"] for _, a in answers) == 40
    assert sum(a["duplicates"] for _, a in answers) == 120
    assert Event.objects.count() == 40 and Attendance.objects.count() == 40
