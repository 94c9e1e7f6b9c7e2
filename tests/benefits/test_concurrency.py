"""Real parallel approvals against one budget on a live server (SQLite and PostgreSQL alike):
the fund is never overspent, every answer is 200 or 409, and one claim is approved once."""

from __future__ import annotations

import datetime as dt
import secrets
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from unionhome.benefits import services
from unionhome.benefits.models import Claim, ClaimStatus, Fund, FundEntry
from unionhome.core.auth import token_digest as _digest
from unionhome.core.models import ApiToken
from unionhome.members import proxy as proxies

from ..activities.test_concurrency import post
from ..factories import MemberFactory
from .conftest import signature, upload

pytestmark = pytest.mark.django_db(transaction=True)


def token_for(user) -> str:
    token = secrets.token_urlsafe(24)
    ApiToken.objects.create(
        user=user, digest=_digest(token), expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    return token


def make_claims(bb, count: int, amount: str) -> list[Claim]:
    claims = []
    for i in range(count):
        member = MemberFactory(org=bb.tree.union, post="security", user=None)
        consent = proxies.proxy_sign(actor=bb.volunteer, member=member, png=signature())
        claims.append(
            services.claim_save(
                actor=bb.volunteer,
                ctype=bb.overtime,
                values={"month": "2026-07-01", "hours": str(10 + i % 5), "amount": amount},
                files={"attendance": upload()},
                submit=True,
                proxy=consent,
            )
        )
    return claims


def test_parallel_approvals_never_overspend(bb, live_server):
    Fund.objects.filter(pk=bb.fund.pk).update(budget=Decimal("1000"), sign_threshold=None)
    claims = make_claims(bb, 30, "100")
    tokens = [token_for(bb.staff), token_for(bb.chair)]

    def approve(i_claim):
        i, claim = i_claim
        return post(live_server.url, f"/api/v1/claims/{claim.pk}/approve", tokens[i % 2], {"note": "同意"})

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(approve, enumerate(claims)))
    codes = [status for status, _body in answers]
    assert set(codes) <= {200, 409}, answers
    assert codes.count(200) == 10
    assert {body["code"] for status, body in answers if status == 409} == {"over_budget"}
    fund = Fund.objects.get(pk=bb.fund.pk)
    assert fund.spent == Decimal("1000")
    assert FundEntry.objects.filter(fund=fund).aggregate(s=Sum("amount"))["s"] == Decimal("1000")
    assert Claim.objects.filter(status=ClaimStatus.APPROVED).count() == 10
    assert Claim.objects.filter(status=ClaimStatus.SUBMITTED).count() == 20


def test_one_claim_approved_at_once_by_many_pays_once(bb, live_server):
    (claim,) = make_claims(bb, 1, "300")
    token = token_for(bb.staff)
    with ThreadPoolExecutor(12) as pool:
        answers = list(
            pool.map(
                lambda _i: post(live_server.url, f"/api/v1/claims/{claim.pk}/approve", token, {}), range(12)
            )
        )
    codes = sorted(status for status, _body in answers)
    assert codes.count(200) == 1 and set(codes) == {200, 409}, answers
    assert Fund.objects.get(pk=bb.fund.pk).spent == Decimal("300")
    assert FundEntry.objects.filter(claim=claim).count() == 1
