"""The page shell: five service areas, 长辈版, read-aloud, language, query budgets."""

import re

import pytest

from unionhome.core.areas import AREAS


def test_home_shows_the_five_service_areas_as_tiles(personas, as_user):
    html = as_user(personas.member_user).get("/").content.decode()
    for name in ("权益保障", "技能提升", "生活服务", "互动交流", "管理服务"):
        assert name in html
    assert html.count('class="tile ') == 5


@pytest.mark.parametrize("area", [a.slug for a in AREAS])
def test_each_area_page_lists_its_services(personas, as_user, area):
    r = as_user(personas.member_user).get(f"/area/{area}/")
    assert r.status_code == 200


def test_every_page_has_the_elder_switch_and_read_aloud(personas, as_user, client):
    pages = ["/", "/profile/", "/card/", "/inbox/", "/transfer/", "/area/rights/"]
    member = as_user(personas.member_user)
    for url in pages:
        html = member.get(url).content.decode()
        assert "data-elder-switch" in html and "data-read-aloud" in html, url
    for url in ["/login/", "/join/"]:
        html = client.get(url).content.decode()
        assert "data-elder-switch" in html and "data-read-aloud" in html, url
    staff = as_user(personas.staff).get("/staff/").content.decode()
    assert "data-read-aloud" in staff


def test_elder_mode_persists_per_user(personas, as_user):
    client = as_user(personas.member_user)
    assert 'class="elder"' not in client.get("/").content.decode()
    r = client.post("/prefs/elder/", {"on": "1", "next": "/profile/"})
    assert r.status_code == 302 and r["Location"] == "/profile/"
    personas.member_user.refresh_from_db()
    assert personas.member_user.elder_mode
    fresh = as_user(personas.member_user)  # another browser
    assert '<html lang="zh-CN" class="elder">' in fresh.get("/").content.decode()


def test_elder_mode_persists_per_browser_before_login(client, db):
    client.post("/prefs/elder/", {"on": "1", "next": "/login/"})
    assert 'class="elder"' in client.get("/login/").content.decode()
    client.post("/prefs/elder/", {"on": "0"})
    assert 'class="elder"' not in client.get("/login/").content.decode()


def test_open_redirect_is_refused(client, db):
    r = client.post("/prefs/elder/", {"on": "1", "next": "https://evil.example/"})
    assert r["Location"] == "/"


def test_language_switch_to_english(personas, as_user):
    client = as_user(personas.member_user)
    client.post("/prefs/language/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en"' in html and "Rights" in html
    client.post("/prefs/language/", {"language": "zh-hans"})
    assert "权益保障" in client.get("/").content.decode()


def test_chinese_is_the_default(client, db):
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert '<html lang="zh-CN"' in html and "登录" in html


def test_home_and_me_stay_within_five_queries(personas, as_user, django_assert_max_num_queries):
    client = as_user(personas.member_user)
    client.get("/")  # warm the session
    # The issue allows five; the hot reads (core.rows) need three (user with roles, member,
    # inbox count) and two.
    with django_assert_max_num_queries(3):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get("/api/v1/me").status_code == 200


def test_script_in_a_name_is_escaped(personas, as_user):
    from unionhome.members import services

    services.member_update(
        member=personas.member, actor=personas.staff, changes={"name": "<script>alert(1)</script>"}
    )
    html = as_user(personas.staff).get(f"/staff/members/{personas.member.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


STAFF_PAGES = [
    "/staff/",
    "/staff/members/",
    "/staff/orgs/",
    "/staff/joins/",
    "/staff/transfers/",
    "/staff/roster/",
    "/staff/deletions/",
]


def test_staff_pages_are_refused_to_members(personas, as_user):
    client = as_user(personas.member_user)
    for url in STAFF_PAGES:
        assert client.get(url).status_code == 403, url


def test_staff_pages_render(personas, as_user):
    client = as_user(personas.staff)
    for url in STAFF_PAGES:
        assert client.get(url).status_code == 200, url
    html = client.get("/staff/members/", {"q": "wjg"}, HTTP_HX_REQUEST="true").content.decode()
    assert "王建国" in html and "<html" not in html  # the HTMX partial


def test_bad_ids_in_staff_forms_are_not_500(personas, as_user):
    client = as_user(personas.staff)
    assert client.post("/staff/joins/", {"id": "abc", "decision": "approve"}).status_code == 404
    assert client.post("/staff/transfers/", {"id": "../1"}).status_code == 404
    assert client.get("/staff/roster/export.xlsx", {"org": "x"}).status_code == 404


def test_every_visible_string_is_translated_in_the_shell(personas, as_user):
    client = as_user(personas.member_user)
    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()
    body = re.sub(r"<[^>]+>", " ", html.split("<body>")[1])
    leftovers = {w for w in re.findall(r"[\u4e00-\u9fff]+", body)} - {
        "中文",
        "王建国",
        "保安分会",
        "翠湖小区",
    }
    assert leftovers == set()
