"""Issue #24, D3: skill contests — the rules against hand-worked tables, ties, anonymised and
conflict-free judging, the chief's close, and the review window."""

from __future__ import annotations

import datetime as dt

import pytest

from unionhome.core.errors import Conflict, Forbidden
from unionhome.core.guard import system
from unionhome.core.models import Role
from unionhome.learning import contests, scoring
from unionhome.learning.models import Contest

from ..conftest import api_token
from ..factories import MemberFactory, OrgFactory, UserFactory, grant

ONE = [{"name": "实操", "weight": 1}]


def test_weighted_criteria_per_judge():
    criteria = [{"name": "技能", "weight": 0.6}, {"name": "安全", "weight": 0.4}]
    assert scoring.weighted(criteria, {"技能": 90, "安全": 70}) == pytest.approx(82)
    assert (
        scoring.weighted([{"name": "a", "weight": 3}, {"name": "b", "weight": 1}], {"a": 80, "b": 40}) == 70
    )


def test_trimmed_mean_drops_one_highest_and_one_lowest_from_five_judges_only():
    marks = {
        1: {j: {"实操": s} for j, s in zip(range(1, 6), (80, 85, 90, 95, 60), strict=True)},
        2: {
            j: {"实操": s} for j, s in zip(range(1, 5), (70, 80, 90, 100), strict=True)
        },  # 4 judges: plain mean
    }
    ranked = {r.entry: r for r in scoring.rank(ONE, "trimmed_mean", marks)}
    assert ranked[1].score == 85.0 and "去掉最高 95.0 和最低 60.0" in ranked[1].working
    assert ranked[2].score == 85.0 and "去掉" not in ranked[2].working
    assert ranked[1].rank == ranked[2].rank == 1  # level, no tie-break declared: a shared rank
    plain = {r.entry: r.score for r in scoring.rank(ONE, "mean", marks)}
    assert plain == {1: 82.0, 2: 85.0}


def test_z_scores_put_a_strict_and_a_lenient_judge_on_one_scale():
    # Hand-worked: J1 70/80/90 (mean 80, σ 8.165), J2 50/55/60 (mean 55, σ 4.0825),
    # J3 95/100/90 (mean 95, σ 4.0825). z: E1 −1.2247, −1.2247, 0 → −0.8165;
    # E2 0, 0, 1.2247 → 0.4082; E3 1.2247, 1.2247, −1.2247 → 0.4082.
    table = {1: (70, 50, 95), 2: (80, 55, 100), 3: (90, 60, 90)}
    marks = {e: {j + 1: {"实操": s} for j, s in enumerate(row)} for e, row in table.items()}
    ranked = {r.entry: r for r in scoring.rank(ONE, "zscore", marks)}
    assert ranked[1].score == pytest.approx(-0.8165, abs=1e-4)
    assert ranked[2].score == pytest.approx(0.4082, abs=1e-4) and ranked[3].score == pytest.approx(
        0.4082, abs=1e-4
    )
    assert (ranked[2].rank, ranked[3].rank, ranked[1].rank) == (1, 1, 3)
    assert "(80.0−80.0)÷8.165=0.0" in ranked[2].working
    # the plain mean would have put E3 first (80 against 78.33)
    assert [r.entry for r in scoring.rank(ONE, "mean", marks)][0] == 3
    # a judge who gave everyone the same mark counts 0, not a division by zero
    flat = {e: {1: {"实操": 70}} for e in (1, 2)}
    assert {r.score for r in scoring.rank(ONE, "zscore", flat)} == {0.0}


def test_ties_are_broken_by_the_declared_criteria_in_order():
    criteria = [{"name": "技能", "weight": 0.6}, {"name": "安全", "weight": 0.4}]
    marks = {1: {1: {"技能": 90, "安全": 70}}, 2: {1: {"技能": 80, "安全": 85}}}  # both 82
    assert [(r.entry, r.rank) for r in scoring.rank(criteria, "mean", marks)] == [(1, 1), (2, 1)]
    assert [(r.entry, r.rank) for r in scoring.rank(criteria, "mean", marks, ["安全"])] == [(2, 1), (1, 2)]
    assert [(r.entry, r.rank) for r in scoring.rank(criteria, "mean", marks, ["技能"])] == [(1, 1), (2, 2)]


@pytest.fixture
def contest(personas):
    union = personas.tree.union
    judges = [grant(UserFactory(username=f"judge{i}"), union, Role.STAFF) for i in range(1, 4)]
    with system():
        c = contests.contest_create(
            org=personas.tree.street,
            data={"title": "管道维修技能比武", "criteria": [{"name": "规范", "weight": 40}, {"name": "质量", "weight": 60}],
                  "rule": "mean", "judges": ["judge1", "judge2", "judge3"], "tiebreak": ["质量"],
                  "exclude_own_org": False},
        )  # fmt: skip
    return c, judges


def test_judges_see_entries_anonymised_and_only_the_panel_marks(personas, contest, client):
    c, _judges = contest
    entry = contests.entry_add(contest=c, member=personas.member)
    assert contests.entry_add(contest=c, member=personas.member).pk == entry.pk  # once
    seen = contests.entries_for_judge(c, _judges[0])
    assert seen == [{"id": entry.pk, "code": entry.code, "work": "", "file": False, "marks": None}]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'judge1')}"}
    listed = client.get(f"/api/v1/contests/{c.pk}/entries", **auth).json()
    assert "王建国" not in str(listed) and personas.member.org.name not in str(listed)
    r = client.post(
        f"/api/v1/contests/{c.pk}/scores",
        {"entry": entry.pk, "scores": {"规范": 80, "质量": 90}},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 201
    for who in ("staff", "member", "staff_other"):
        other = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, who)}"}
        r = client.post(
            f"/api/v1/contests/{c.pk}/scores",
            {"entry": entry.pk, "scores": {"规范": 80, "质量": 90}},
            content_type="application/json",
            **other,
        )
        assert r.status_code in (403, 404), who
    for bad in (
        {"规范": 101, "质量": 90},
        {"规范": 80},
        {"规范": 80, "质量": 90, "态度": 5},
        {"规范": 1e40, "质量": 1},
    ):
        r = client.post(
            f"/api/v1/contests/{c.pk}/scores",
            {"entry": entry.pk, "scores": bad},
            content_type="application/json",
            **auth,
        )
        assert r.status_code in (400, 422), bad
    ranking = client.get(f"/api/v1/contests/{c.pk}/ranking", **auth)
    assert ranking.status_code == 409  # not before the chief judge closes


def test_a_judge_may_not_mark_their_own_enterprises_entrants_when_the_contest_says_so(personas, contest):
    c, judges = contest
    Contest.objects.filter(pk=c.pk).update(exclude_own_org=True)
    c.refresh_from_db()
    mine = contests.entry_add(contest=c, member=personas.member)  # the branch, under judge1's union
    outsider = MemberFactory(org=personas.tree.other_union)
    theirs = contests.entry_add(contest=c, member=outsider)
    seen = [e["id"] for e in contests.entries_for_judge(c, judges[0])]
    assert seen == [theirs.pk]
    with pytest.raises(Forbidden):
        contests.mark(contest=c, user=judges[0], entry_id=mine.pk, scores={"规范": 90, "质量": 90})
    contests.mark(contest=c, user=judges[0], entry_id=theirs.pk, scores={"规范": 90, "质量": 90})


def test_the_chief_closes_then_the_ranking_is_published_and_a_review_may_be_asked_within_three_working_days(
    personas, contest, client
):
    c, judges = contest
    a = contests.entry_add(contest=c, member=personas.member)
    b = contests.entry_add(contest=c, member=personas.other)
    for judge, (ma, mb) in zip(judges, ((80, 70), (90, 80), (70, 90)), strict=True):
        contests.mark(contest=c, user=judge, entry_id=a.pk, scores={"规范": ma, "质量": ma})
        contests.mark(contest=c, user=judge, entry_id=b.pk, scores={"规范": mb, "质量": mb})
    with pytest.raises(Forbidden):
        contests.close(contest=c, user=judges[1])
    closed_on = dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)  # a Friday
    contests.close(contest=c, user=judges[0], now=closed_on)
    with pytest.raises(Conflict):
        contests.mark(contest=c, user=judges[0], entry_id=a.pk, scores={"规范": 1, "质量": 1})
    member = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'member')}"}
    rows = client.get(f"/api/v1/contests/{c.pk}/ranking", **member).json()
    assert [(r["entry"], r["rank"], r["score"]) for r in rows] == [(a.pk, 1, 80.0), (b.pk, 1, 80.0)]
    assert "平均 80.0" in rows[0]["working"]
    # Mon 7, Tue 8, Wed 9 are the three working days after Friday's close
    contests.review_ask(
        entry=a, reason="第二位评委漏看了我的试压记录", now=dt.datetime(2026, 12, 9, 9, 0, tzinfo=dt.UTC)
    )
    with pytest.raises(Conflict):
        contests.review_ask(entry=b, reason="太晚了", now=dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.UTC))
    with pytest.raises(Conflict):
        contests.review_ask(entry=a, reason="再问一次", now=dt.datetime(2026, 12, 9, 9, 0, tzinfo=dt.UTC))


def test_the_api_shapes_and_eligibility(personas, client):
    union = personas.tree.union
    for i in (1, 2):
        grant(UserFactory(username=f"j{i}"), union, Role.STAFF)
    staff = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff')}"}
    body = {
        "title": "保洁技能比武",
        "criteria": [{"name": "速度", "weight": 1}, {"name": "质量", "weight": 2}],
        "rule": "trimmed_mean",
        "judges": ["j1", "j2"],
    }
    r = client.post(
        "/api/v1/contests",
        {**body, "audience": {"posts": ["cleaning"]}},
        content_type="application/json",
        **staff,
    )
    assert r.status_code == 201
    contest_id = r.json()["id"]
    r = client.post(
        f"/api/v1/contests/{contest_id}/entries",
        {"member": "member"},
        content_type="application/json",
        **staff,
    )
    assert r.status_code == 403 and r.json()["code"] == "not_eligible"  # the member's post is not cleaning
    personas.member.post = "cleaning"
    personas.member.save()
    r = client.post(
        f"/api/v1/contests/{contest_id}/entries",
        {"member": "member"},
        content_type="application/json",
        **staff,
    )
    assert r.status_code == 201
    for bad in (
        {"rule": "median"},
        {"judges": ["nobody"]},
        {"criteria": []},
        {"criteria": [{"name": "a", "weight": 0}]},
        {"criteria": [{"name": "a", "weight": 1e40}]},
    ):
        r = client.post("/api/v1/contests", {**body, **bad}, content_type="application/json", **staff)
        assert r.status_code in (400, 422), bad
    member = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'member')}"}
    assert client.post("/api/v1/contests", body, content_type="application/json", **member).status_code == 403
    outsider = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff_other')}"}
    assert (
        client.post(
            f"/api/v1/contests/{contest_id}/entries",
            {"member": "member"},
            content_type="application/json",
            **outsider,
        ).status_code
        == 404
    )


def test_the_pages_sign_up_mark_close_publish_and_ask_a_review(personas, contest):
    from ..conftest import login_client

    c, judges = contest
    member = login_client(personas.member_user)
    assert "我要报名" in member.get(f"/contests/{c.pk}/").content.decode()
    member.post(f"/contests/{c.pk}/", {"action": "signup"})
    entry = c.entries.get()
    page = member.get(f"/contests/{c.pk}/").content.decode()
    assert f"参赛编号 {entry.code}" in page
    judge = login_client(judges[0])
    sheet = judge.get(f"/contests/{c.pk}/judge/").content.decode()
    assert entry.code in sheet and "王建国" not in sheet and "结束比武并公布结果" in sheet
    judge.post(f"/contests/{c.pk}/judge/", {"entry": entry.pk, "score-规范": "80", "score-质量": "abc"})
    assert not entry.marks.exists()  # refused, with the reason shown
    judge.post(f"/contests/{c.pk}/judge/", {"entry": entry.pk, "score-规范": "80", "score-质量": "90"})
    assert entry.marks.get().scores == {"规范": 80.0, "质量": 90.0}
    assert "结束比武" not in login_client(judges[1]).get(f"/contests/{c.pk}/judge/").content.decode()
    assert login_client(personas.other_user).get(f"/contests/{c.pk}/judge/").status_code == 404
    judge.post(f"/contests/{c.pk}/judge/", {"action": "close"})
    page = member.get(f"/contests/{c.pk}/").content.decode()
    assert "比赛结果" in page and "86.0" in page and "申请复核" in page
    member.post(f"/contests/{c.pk}/", {"action": "review", "reason": "想看评分细则"})
    entry.refresh_from_db()
    assert entry.review_reason == "想看评分细则"
    assert "王建国" in login_client(personas.admin).get(f"/staff/contests/{c.pk}/").content.decode()
    assert (
        login_client(personas.staff).get(f"/staff/contests/{c.pk}/").status_code == 404
    )  # the street's, not theirs
    outsider_member = MemberFactory(org=OrgFactory(name="外区工会"), user=UserFactory(username="far"))
    assert login_client(outsider_member.user).get(f"/contests/{c.pk}/").status_code == 404
