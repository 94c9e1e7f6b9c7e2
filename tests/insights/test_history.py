"""Issue #23, item 2: a union's past appeals from its ledgers — JSON Lines or .xlsx, every bad line
reported by line and field, the good ones kept, the same source id never twice — and counted in
every figure exactly as appeals received here."""

import datetime as dt
import io
import json

from openpyxl import Workbook

from unionhome.appeals.models import Appeal
from unionhome.insights import figures as f
from unionhome.insights.figures import Period

from ..conftest import api_token

URL = "/api/v1/imports/appeals"


def jsonl(*lines) -> bytes:
    return "\n".join(json.dumps(x, ensure_ascii=False) if isinstance(x, dict) else x for x in lines).encode()


def post(client, token, org, body: bytes, content_type="application/x-ndjson"):
    return client.post(
        f"{URL}?org={org}", body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}"
    )


LEDGER = [
    {"source_id": "2023-001", "received_at": "2023-03-01T09:00:00", "closed_at": "2023-03-06T09:00:00",
     "category": "wages", "site": "翠湖小区", "channel": "visit", "rating": 5, "withdrawn": False},
    {"source_id": "2023-002", "received_at": "2023-03-02", "closed_at": "2023-03-12", "category": "工时休假",
     "site": "", "channel": "12351 热线", "rating": 3, "withdrawn": False},
    {"source_id": "2023-003", "received_at": "2023-03-03", "closed_at": None, "category": "living",
     "site": "翠湖小区", "channel": "box", "rating": None, "withdrawn": True},
    {"source_id": "2023-004", "received_at": "2023-03-04", "closed_at": None, "category": "safety",
     "site": "", "channel": "online", "rating": None, "withdrawn": False},
]  # fmt: skip


def test_a_ledger_imports_its_good_lines_reports_the_bad_and_never_twice(personas, client):
    token = api_token(client, "staff")
    union = personas.tree.union
    bad = [
        "not json",
        {"received_at": "2023-03-01"},  # no source id
        {"source_id": "b2", "received_at": "2023-03-05", "closed_at": "2023-03-01"},  # closed before received
        {"source_id": "b3", "received_at": "9999-01-01"},
        {"source_id": "b4", "received_at": "2023-03-05", "category": "其他的"},
        {"source_id": "b5", "received_at": "2023-03-05", "site": "不存在小区"},
        {"source_id": "b6", "received_at": "2023-03-05", "closed_at": "2023-03-06", "rating": 6},
        {"source_id": "b7", "received_at": "2023-03-05", "rating": 5},  # rated but never closed
        {"source_id": "b8", "received_at": "2023-03-05", "withdrawn": "也许"},
        {"source_id": "x" * 65, "received_at": "2023-03-05"},
    ]
    r = post(client, token, union.pk, jsonl(*LEDGER, *bad))
    body = r.json()
    assert r.status_code == 200 and (body["imported"], body["skipped"]) == (4, 0)
    fields = {e["line"]: e["field"] for e in body["errors"]}
    assert fields == {
        5: "", 6: "source_id", 7: "closed_at", 8: "received_at", 9: "category",
        10: "site", 11: "rating", 12: "rating", 13: "withdrawn", 14: "source_id",
    }  # fmt: skip
    again = post(client, token, union.pk, jsonl(*LEDGER)).json()
    assert (again["imported"], again["skipped"], again["errors"]) == (0, 4, [])
    imported = Appeal.objects.filter(org=union).exclude(source_id="")
    assert imported.count() == 4 and all(a.number.startswith("LS2023") for a in imported)
    two = imported.get(source_id="2023-002")
    assert (two.category, two.channel, two.site, two.status) == ("hours", "hotline", None, "rated")


def test_imported_appeals_count_in_every_figure_as_native_ones(personas, client):
    token = api_token(client, "staff")
    union = personas.tree.union
    post(client, token, union.pk, jsonl(*LEDGER))
    march = Period(dt.date(2023, 3, 1), dt.date(2023, 3, 31))
    closure = f.closure_rate(union, march)
    assert (closure.numerator, closure.denominator) == (2, 3)  # the withdrawn one is out
    cycle = f.cycle(union, march)
    assert (cycle.n, cycle.mean, cycle.median) == (2, 7.5, 7.5)
    satisfaction = f.satisfaction(union, march)
    assert (satisfaction.numerator, satisfaction.denominator) == (1, 2)


def test_an_xlsx_ledger_with_chinese_columns(personas, client):
    book = Workbook()
    sheet = book.active
    sheet.append(["来源编号", "受理时间", "办结时间", "类别", "地点", "渠道", "评价", "已撤回"])
    sheet.append(
        [
            "X-1",
            dt.datetime(2024, 5, 1, 8, 30),
            dt.datetime(2024, 5, 3, 8, 30),
            "工资报酬",
            "翠湖小区",
            "走访座谈",
            4,
            "否",
        ]
    )
    sheet.append(["X-2", "2024-05-02", None, "其他", None, "意见箱", None, "是"])
    sheet.append(["X-3", "昨天", None, "其他", None, "意见箱", None, "否"])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "台账.xlsx"
    token = api_token(client, "staff")
    r = client.post(
        f"{URL}?org={personas.tree.union.pk}", {"file": out}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    body = r.json()
    assert (body["imported"], body["skipped"]) == (2, 0)
    assert body["errors"] == [{"line": 4, "field": "received_at", "reason": body["errors"][0]["reason"]}]
    assert Appeal.objects.get(source_id="X-2").withdrawn_at is not None


def test_only_staff_over_the_union_may_import_and_bad_requests_are_4xx(personas, client):
    body = jsonl(*LEDGER)
    member = api_token(client, "member")
    other = api_token(client, "staff_other")
    staff = api_token(client, "staff")
    assert post(client, member, personas.tree.union.pk, body).status_code == 403
    assert post(client, other, personas.tree.union.pk, body).status_code == 404
    assert post(client, staff, 2**63, body).status_code == 422
    assert post(client, staff, personas.tree.union.pk, b"").status_code == 400
    assert post(client, staff, personas.tree.union.pk, b"\xff\xfe\x00garbage").status_code == 200
    multipart_without_file = client.post(
        f"{URL}?org={personas.tree.union.pk}", {"x": "1"}, HTTP_AUTHORIZATION=f"Bearer {staff}"
    )
    assert multipart_without_file.status_code == 400
    assert not Appeal.objects.exclude(source_id="").exists()


def test_a_ledger_over_the_size_limit_is_refused_before_anything_is_read(personas, client, settings):
    settings.IMPORT_MAX_MB = 0
    r = post(client, api_token(client, "staff"), personas.tree.union.pk, jsonl(*LEDGER))
    assert r.status_code == 413 and "MB" in r.json()["fields"]["file"]
    assert not Appeal.objects.exclude(source_id="").exists()
