"""A notice's link keeps members on this site (or on a host the operator listed): refused with a
field-level reason when the notice is sent, by page service and API alike, and never rendered or
sent out if a bad one is already stored."""

from __future__ import annotations

import pytest

from unionhome.content import services
from unionhome.content.models import Notice
from unionhome.core.errors import DomainError
from unionhome.core.models import Notification

from ..conftest import login_client

BAD = [
    "/\\evil.example/",
    "//evil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "/%5Cevil.example",
    "/news/\r\nx",
]


@pytest.mark.parametrize("url", BAD)
def test_the_service_refuses_a_link_that_leaves_the_site(personas, url):
    with pytest.raises(DomainError) as err:
        services.notice_send(actor=personas.staff, org=personas.tree.union, title="t", body="b", url=url)
    assert err.value.code == "invalid" and "url" in err.value.fields
    assert not Notice.objects.exists()


@pytest.mark.parametrize("url", BAD)
def test_the_api_refuses_a_link_that_leaves_the_site(personas, url):
    r = login_client(personas.staff).post(
        "/api/v1/notices",
        {"title": "消防演练", "body": "周六9点", "url": url},
        content_type="application/json",
    )
    assert r.status_code in (400, 422), r.content
    body = r.json()
    assert body["code"] == "invalid" and "本站" in body["fields"]["url"]
    assert not Notice.objects.exists()


def test_a_same_site_link_and_a_listed_host_are_kept(personas, settings, django_capture_on_commit_callbacks):
    settings.LINK_ALLOWED_HOSTS = ["www.acftu.org"]
    client = login_client(personas.staff)
    for url in ("/activities/", "https://www.acftu.org/guide"):
        with django_capture_on_commit_callbacks(execute=True):
            r = client.post(
                "/api/v1/notices",
                {"title": "通知", "body": "内容", "url": url},
                content_type="application/json",
            )
        assert r.status_code == 201, r.content
        notice = Notice.objects.get(pk=r.json()["id"])
        assert notice.url == url
        assert set(Notification.objects.filter(ref=notice.ref).values_list("url", flat=True)) == {url}


def test_a_bad_link_already_stored_is_neither_sent_nor_shown(personas, django_capture_on_commit_callbacks):
    # A row written before the check: the fan-out sends the inbox instead...
    notice = Notice.objects.create(
        org=personas.tree.union, title="旧通知", body="内容", url="/\\evil.example/"
    )
    services.notice_fan_out(notice.pk)
    urls = set(Notification.objects.filter(ref=notice.ref).values_list("url", flat=True))
    assert urls == {"/inbox/"}
    # ...and an inbox row that holds one is shown without the link.
    Notification.objects.create(user=personas.member_user, title="旧消息", url="//evil.example")
    page = login_client(personas.member_user).get("/inbox/").content.decode()
    assert "旧消息" in page and "evil.example" not in page
