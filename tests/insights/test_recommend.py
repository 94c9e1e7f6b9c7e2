"""Issue #23, item 4 (G3): recommendations with their reasons, learning from take-up (sign-ups,
claims, reads, ratings) and dismissals; only what the member may take up now."""

import datetime as dt

from unionhome.activities import services as activities
from unionhome.activities.models import Signup
from unionhome.content.models import Article, ArticleRead
from unionhome.core.guard import system
from unionhome.insights import recommend
from unionhome.insights.recommend import Evidence, Item

from ..activities.conftest import soon
from ..conftest import api_token, login_client


def item(key, title, kind="activity"):
    return Item(key, kind, title)


def test_the_ranking_follows_the_evidence_and_says_why():
    badminton = item("activity:1", "羽毛球培训班（周六上午）")
    calligraphy = item("activity:2", "书法兴趣班")
    evidence = [Evidence(item("activity:9", "周末羽毛球友谊赛"), 1.0, "参加过")]
    picks = recommend.rank([calligraphy, badminton], evidence)
    assert [p.item for p in picks] == [badminton, calligraphy]
    assert picks[0].reason == "和您参加过的「周末羽毛球友谊赛」相近"
    # a dismissal removes the item; a disliked one pushes its like down
    assert [p.item for p in recommend.rank([calligraphy, badminton], evidence, dismissed={"activity:1"})] == [
        calligraphy
    ]
    disliked = evidence + [Evidence(item("activity:8", "羽毛球双打比赛"), -3.0, "")]
    assert recommend.rank([calligraphy, badminton], disliked)[0].item == calligraphy


def test_a_newcomer_sees_what_is_popular_and_what_is_for_their_group():
    quiet = item("offer:1", "电影票", "offer")
    busy = item("offer:2", "超市购物卡", "offer")
    service = Item("service:3", "service", "夜班职工免费体检", note="您属于一线倒班，可以享受")
    picks = recommend.rank([quiet, busy, service], [], {"offer:2": 12})
    assert picks[0].item == busy and picks[0].reason == "已有 12 位会员领取"
    assert {p.item.key: p.reason for p in picks}["service:3"] == "您属于一线倒班，可以享受"
    assert {p.item.key: p.reason for p in picks}["offer:1"] == "新优惠"


def test_a_member_gets_open_items_they_may_take_ranked_on_their_take_up(
    personas, client, make_activity, make_offer
):
    past = make_activity(
        title="周末羽毛球友谊赛", starts_at=soon(-72), ends_at=soon(-70), signup_closes_at=soon(-80)
    )
    with system():
        Signup.objects.create(
            activity=past, member=personas.member, status="confirmed", short_code="PAST1", rating=5
        )
    badminton = make_activity(title="羽毛球培训班")
    calligraphy = make_activity(title="书法兴趣班")
    taken = make_activity(title="羽毛球双打比赛")
    activities.signup_create(user=personas.member_user, activity=taken)
    make_offer(title="电影票")
    token = api_token(client, "member")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = client.get("/api/v1/me/recommendations", **auth).json()
    keys = [p["item"] for p in body]
    assert keys[0] == f"activity:{badminton.pk}"
    assert body[0]["reason"] == "和您参加过的「周末羽毛球友谊赛」相近"
    assert f"activity:{calligraphy.pk}" in keys
    assert f"activity:{taken.pk}" not in keys and f"activity:{past.pk}" not in keys  # taken, or closed
    only = client.get("/api/v1/me/recommendations?place=news", **auth).json()
    assert all(p["kind"] == "article" for p in only)
    # 不感兴趣: gone for good
    r = client.post("/api/v1/me/recommendations/dismiss", {"item": f"activity:{badminton.pk}"},
                    content_type="application/json", **auth)  # fmt: skip
    assert r.status_code == 204
    again = [p["item"] for p in client.get("/api/v1/me/recommendations", **auth).json()]
    assert f"activity:{badminton.pk}" not in again
    for bad in ("activity:0", "activity:99999999999999999999", "member:1", "activity:x", "x" * 41):
        r = client.post(
            "/api/v1/me/recommendations/dismiss", {"item": bad}, content_type="application/json", **auth
        )
        assert r.status_code in (400, 422), bad


def test_another_unions_member_and_a_non_member_get_nothing_of_this_union(
    personas, client, make_activity, tree
):
    make_activity(title="羽毛球培训班")
    other = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff_other')}"}
    assert client.get("/api/v1/me/recommendations", **other).json() == []  # staff, not a member
    assert client.get("/api/v1/me/recommendations").status_code == 401


def test_reads_teach_and_the_pages_show_the_panel_with_its_button(personas, make_activity):
    with system():
        article = Article.objects.create(
            org=personas.tree.union, title="夏季防暑降温知识", body="<p>多喝水</p>", status="published",
            published_at=dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=1),
        )  # fmt: skip
    client = login_client(personas.member_user)
    assert client.get(f"/news/{article.pk}/").status_code == 200
    assert ArticleRead.objects.filter(article=article, user=personas.member_user).count() == 1
    client.get(f"/news/{article.pk}/")
    assert ArticleRead.objects.count() == 1  # once
    activity = make_activity(title="防暑降温讲座")
    for title in ("职工书法比赛", "亲子游园会", "电工技能培训"):
        make_activity(title=title)
    assert 'hx-get="/panels/home/"' in client.get("/").content.decode()  # fetched after the page shows
    home = client.get("/panels/home/").content.decode()
    assert "为您推荐" in home and "防暑降温讲座" in home and "和您看过的「夏季防暑降温知识」相近" in home
    r = client.post("/recommendations/dismiss/", {"item": f"activity:{activity.pk}", "next": "/activities/"})
    assert r.status_code == 302 and r["Location"] == "/activities/"
    assert "防暑降温讲座" not in client.get("/panels/home/").content.decode()
    r = client.post(
        "/recommendations/dismiss/", {"item": f"activity:{activity.pk}", "next": "https://evil.example/"}
    )
    assert r["Location"] == "/"
    for place in ("activities", "news", "benefits"):
        assert login_client(personas.member_user).get(f"/panels/{place}/").status_code == 200
    assert client.get("/panels/nowhere/").status_code == 404


def test_what_is_offered_is_kept_a_minute_and_what_the_member_does_counts_at_once(personas, make_activity):
    from django.core.cache import cache

    first = make_activity(title="羽毛球培训班")
    keys = [p.item.key for p in recommend.recommendations(personas.member_user)]
    assert f"activity:{first.pk}" in keys
    activities.signup_create(user=personas.member_user, activity=first)  # taken: gone at once
    assert f"activity:{first.pk}" not in [p.item.key for p in recommend.recommendations(personas.member_user)]
    later = make_activity(title="书法兴趣班")  # published after: shown once the kept list expires
    assert f"activity:{later.pk}" not in [p.item.key for p in recommend.recommendations(personas.member_user)]
    cache.clear()  # CANDIDATES_SECONDS later
    assert f"activity:{later.pk}" in [p.item.key for p in recommend.recommendations(personas.member_user)]
    assert recommend.CANDIDATES_SECONDS <= 60
