"""The chair's desk: urgent appeals, claims waiting for the chair's signature, fund balances and
overdue items, each from the app that owns it; the chair lands on it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from unionhome.appeals.models import Appeal, Status
from unionhome.benefits import services
from unionhome.core.guard import system

from ..conftest import login_client
from ..factories import PASSWORD
from .conftest import upload


def test_the_chair_lands_on_the_desk(client, bb):
    response = client.post("/login/", {"username": "chair", "password": PASSWORD})
    assert response["Location"] == "/staff/desk/"


def test_the_desk_shows_what_needs_the_chair(bb):
    today = timezone.localdate()
    with system():
        Appeal.objects.create(
            number="ZZURGENT1", org=bb.tree.union, text="井下冒顶", received_at=timezone.now(), urgent=True
        )
        Appeal.objects.create(
            number="ZZLATE1",
            org=bb.tree.union,
            text="工资拖欠",
            received_at=timezone.now(),
            status=Status.ROUTED,
            due_on=today - dt.timedelta(days=3),
        )
    big = services.claim_save(
        actor=bb.member_user,
        ctype=bb.overtime,
        values={"month": "2026-07", "hours": "100", "amount": "1500"},
        files={"attendance": upload()},
        submit=True,
    )
    page = login_client(bb.chair).get("/staff/desk/").content.decode()
    assert "紧急诉求" in page and "ZZURGENT1" in page
    assert "超期未办结的诉求" in page and "ZZLATE1" in page
    assert "等您签批（一支笔）" in page and big.number in page
    assert "经费余额" in page and "预算 10000" in page

    # Staff who sign nothing see the same desk without another's signature queue in it.
    staff_page = login_client(bb.staff).get("/staff/desk/").content.decode()
    assert big.number not in staff_page and "没有等您签批的申领" in staff_page
    assert login_client(bb.staff_other).get("/staff/desk/").content.decode().count("ZZURGENT1") == 0
    assert login_client(bb.member_user).get("/staff/desk/").status_code == 403
    assert bb.fund.budget == Decimal("10000")
