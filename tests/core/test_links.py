"""Links the platform renders or redirects to stay on this site, or go to a host the operator
listed (LINK_ALLOWED_HOSTS, https only): core.links.safe_link decides, for notices and for every
`next` a page redirects to."""

from __future__ import annotations

import pytest

from unionhome.core.links import safe_link

from ..conftest import login_client

# Each of these leaves the site in some browser, or is a script.
BAD = [
    "/\\evil.example/",
    "\\\\evil.example",
    "/\\/evil.example",
    "//evil.example",
    "///evil.example",
    "https://evil.example",
    "http://evil.example/x",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/%5Cevil.example",
    "/%5cevil.example",
    "/%2F%2Fevil.example",
    "/ok\\..\\x",
    "/news/\x00",
    "/news/\n/x",
    "/news/%0d%0aSet-Cookie:x=1",
    "\t/news/",
    "news/1/",
    "evil.example",
    "https://trusted.example@evil.example/",
    "http://trusted.example/",  # a listed host, but not over https
    "",
]
GOOD = ["/", "/news/", "/news/12/?column=news#top", "/activities/3/", "https://trusted.example/guide"]


@pytest.fixture(autouse=True)
def _listed_host(settings):
    settings.LINK_ALLOWED_HOSTS = ["trusted.example"]


@pytest.mark.parametrize("value", BAD)
def test_links_that_leave_the_site_are_refused(value):
    assert safe_link(value) is False


@pytest.mark.parametrize("value", GOOD)
def test_same_site_paths_and_listed_hosts_are_allowed(value):
    assert safe_link(value) is True


def test_nothing_but_text_is_a_link():
    assert safe_link(None) is False
    assert safe_link(123) is False  # type: ignore[arg-type]


REDIRECT_BAD = [
    "/\\evil.example/",
    "//evil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "/%5Cevil.example",
]


@pytest.mark.parametrize("target", REDIRECT_BAD)
def test_preference_switches_never_redirect_off_site(client, db, target):
    for url, data in (("/prefs/elder/", {"on": "1"}), ("/prefs/language/", {"language": "zh-hans"})):
        r = client.post(url, {**data, "next": target})
        assert r.status_code == 302 and r["Location"] == "/"


def test_preference_switches_return_to_a_page_of_this_site(client, db):
    r = client.post("/prefs/elder/", {"on": "1", "next": "/news/?column=news"})
    assert r["Location"] == "/news/?column=news"


@pytest.mark.parametrize("target", REDIRECT_BAD)
def test_login_never_redirects_off_site(client, personas, password, target):
    page = client.get("/login/", {"next": target}).content.decode()
    assert '<input type="hidden" name="next" value="">' in page  # the login form carries none on
    r = client.post("/login/", {"username": "member", "password": password, "next": target})
    assert r.status_code == 302 and "evil.example" not in r["Location"]
    assert not r["Location"].startswith(("//", "/\\", "javascript", "/%5C"))


def test_login_returns_to_the_page_asked_for(client, personas, password):
    r = client.post("/login/", {"username": "member", "password": password, "next": "/news/"})
    assert r.status_code == 302 and r["Location"] == "/news/"


@pytest.mark.parametrize("target", REDIRECT_BAD)
def test_cancelling_a_sign_up_never_returns_off_site(personas, target):
    import datetime as dt

    from django.utils import timezone

    from unionhome.activities import services

    start = timezone.now() + dt.timedelta(days=2)
    activity = services.activity_save(
        actor=personas.staff,
        org=personas.tree.union,
        title="运动会",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="活动中心",
        capacity=5,
    )
    row = services.signup_create(user=personas.member_user, activity=activity)
    r = login_client(personas.member_user).post(f"/signups/{row.pk}/cancel/", {"next": target})
    assert r.status_code == 302 and r["Location"] == "/tickets/"
