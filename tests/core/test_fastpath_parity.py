"""Every route the fast path serves (core.fastpath.ROUTES) answers as the framework does: the same
status, the same JSON keys and refusals, and the same headers (security, cache, language and
Vary). The cases come from the route table: a fast route without a case here fails the first
test, so none is added unchecked."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from unionhome.activities import offers
from unionhome.appeals.services import appeal_submit
from unionhome.core import fastpath
from unionhome.democracy.models import Congress

from ..conftest import bearer
from ..wsgi import SECURITY_HEADERS, call, fast_app

TEXT = "宿舍热水器坏了，报修好几次都没人来修，下夜班洗不了澡。"


def _offer(personas, quantity=1):
    now = timezone.now()
    data = {
        "title": "电影票",
        "quantity": quantity,
        "opens_at": now - timezone.timedelta(hours=1),
        "closes_at": now + timezone.timedelta(days=1),
    }
    return offers.offer_create(actor=personas.staff, org=personas.tree.union, **data)


# (method, pattern) → the calls to make, each (method, path, body, who): asked of the fast path and
# of the framework alike, in this order; a case makes fresh records for each way.
CASES = {
    ("POST", r"/api/v1/appeals"): lambda p: [
        ("POST", "/api/v1/appeals", {"text": TEXT}, "member"),
        ("POST", "/api/v1/appeals", {"text": "短"}, "member"),  # the framework's field-level 422
        ("POST", "/api/v1/appeals", {"text": TEXT}, "staff_other"),  # not a member: 403
    ],
    ("GET", r"/api/v1/appeals/(?P<appeal_id>[0-9]{1,18})"): lambda p: [
        ("GET", f"/api/v1/appeals/{appeal_submit(actor=p.member_user, text=TEXT).pk}", None, "member"),
        ("GET", f"/api/v1/appeals/{appeal_submit(actor=p.member_user, text=TEXT).pk}", None, "other"),
    ],
    ("POST", r"/api/v1/offers/(?P<offer_id>[0-9]{1,18})/claims"): lambda p: [
        ("POST", f"/api/v1/offers/{(o := _offer(p)).pk}/claims", None, "member"),
        ("POST", f"/api/v1/offers/{o.pk}/claims", None, "member"),  # already claimed
        ("POST", f"/api/v1/offers/{o.pk}/claims", None, "other"),  # sold out
    ],
    ("POST", r"/api/v1/polls/(?P<poll_id>[0-9]{1,18})/ballots"): lambda p: [
        ("POST", f"/api/v1/polls/{(poll := _poll(p)).pk}/ballots", {"choices": ["随便"]}, "member"),  # 400
        ("POST", f"/api/v1/polls/{poll.pk}/ballots", {"choices": "赞成"}, "member"),  # the 422
        ("POST", f"/api/v1/polls/{poll.pk}/ballots", {"choices": ["赞成"]}, "member"),
        ("POST", f"/api/v1/polls/{poll.pk}/ballots", {"choices": ["反对"]}, "member"),  # already voted
        ("POST", f"/api/v1/polls/{poll.pk}/ballots", {"choices": ["赞成"]}, "other"),  # not on the list
        ("POST", f"/api/v1/polls/{poll.pk}/ballots", {"choices": ["赞成"]}, "staff_other"),  # 404
    ],
}
VARYING = {"id", "number", "received_at", "code", "short_code", "ticket", "timeline", "won_at", "receipt"}


def _poll(personas):
    """A congress's open poll; personas.member is its one representative, personas.other a member
    of the same union who may see it but not vote."""
    import datetime as dt

    from unionhome.democracy import congress as congresses
    from unionhome.democracy import polls

    congress = congresses.congress_create(
        org=personas.tree.union,
        data={
            "title": "职代会",
            "term": 1,
            "session": 1 + Congress.objects.count(),
            "opens_on": dt.date(2026, 12, 1),
        },
    )
    congresses.representative_add(
        congress=congress, member=personas.member, delegation="一", category="frontline"
    )
    now = timezone.now()
    return polls.poll_create(
        org=personas.tree.union,
        data={"title": "年度工作报告", "kind": "single", "options": ["赞成", "反对"], "electorate": "congress",
              "opens_at": now - dt.timedelta(minutes=5), "closes_at": now + dt.timedelta(hours=1)},
    )  # fmt: skip


def test_every_fast_route_has_a_case():
    assert {(method, pattern.pattern) for method, pattern, _h, _u in fastpath.ROUTES} == set(CASES)


@pytest.mark.parametrize("route", sorted(CASES))
def test_the_fast_path_answers_as_the_framework(personas, client, route):
    app = fast_app()
    tokens = {who: bearer(client, who) for who in ("member", "other", "staff_other")}
    answers = {}
    for way in ("fast", "framework"):
        got = []
        for method, path, body, who in CASES[route](personas):
            data = json.dumps(body).encode() if body is not None else b""
            if way == "fast":
                got.append(call(app, path, tokens[who], method=method, body=data))
            else:
                answer = client.generic(method, path, data, content_type="application/json", **tokens[who])
                got.append((answer.status_code, answer.json(), dict(answer.headers)))
        answers[way] = got
    for (fs, fb, fh), (ds, db, dh) in zip(answers["fast"], answers["framework"], strict=True):
        assert fs == ds
        assert set(fb) == set(db)
        assert {k: v for k, v in fb.items() if k not in VARYING} == {
            k: v for k, v in db.items() if k not in VARYING
        } or fs == 200
        if fs >= 400:
            assert (fb["code"], fb["message"]) == (db["code"], db["message"])
        for name in SECURITY_HEADERS:
            assert fh.get(name) == dh.get(name), (name, fh.get(name), dh.get(name))
    assert any(s < 300 for s, _b, _h in answers["fast"]), "a case must reach the fast path's success"
