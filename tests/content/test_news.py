"""News in columns: sanitised rich text, publishing and scheduling, pinned first, who reads what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from unionhome.content import services
from unionhome.content.models import Article, ArticleStatus

from ..conftest import login_client
from ..factories import MemberFactory, UserFactory, make_id


def publish(personas, title="工会动态", org=None, actor=None, **extra):
    data = {"title": title, "body": "<p>正文</p>", "column": "news", "publish": True, **extra}
    return services.article_save(actor=actor or personas.staff, org=org or personas.tree.union, **data)


def test_script_and_handlers_are_removed_images_and_links_kept(personas):
    article = publish(
        personas,
        body='<p onclick="steal()">好消息<script>alert(1)</script></p><img src="/media/a.png" onerror="x()" alt="合影">'
        '<a href="javascript:alert(1)">坏链接</a><a href="https://example.org/">政策原文</a><style>p{}</style>',
    )
    body = article.body
    assert "<script" not in body and "onclick" not in body and "onerror" not in body and "<style" not in body
    assert "javascript:" not in body
    assert '<img src="/media/a.png" alt="合影">' in body
    assert 'href="https://example.org/"' in body and "好消息" in body


def test_members_of_the_union_and_below_read_it_others_get_404(personas, tree):
    article = publish(personas)
    publish(personas, title="街道总工会通知", org=tree.street, actor=personas.admin)
    branch_member = login_client(personas.member_user)  # in a branch below the union
    assert branch_member.get(f"/news/{article.pk}/").status_code == 200
    assert branch_member.get(f"/api/v1/news/{article.pk}").json()["title"] == "工会动态"
    outsider = UserFactory(username="outsider")
    MemberFactory(org=tree.other_union, user=outsider, name="赵六", identity=make_id(9), phone=outsider.phone)
    client = login_client(outsider)
    assert client.get(f"/news/{article.pk}/").status_code == 404
    assert client.get(f"/api/v1/news/{article.pk}").status_code == 404
    # the higher union's news reaches every union below it
    assert [a["title"] for a in client.get("/api/v1/news").json()] == ["街道总工会通知"]


def test_drafts_and_scheduled_items_stay_hidden_until_their_time(personas):
    draft = services.article_save(
        actor=personas.staff, org=personas.tree.union, title="草稿", body="x", publish=False
    )
    later = publish(personas, title="下周发布", published_at=timezone.now() + dt.timedelta(days=7))
    member = login_client(personas.member_user)
    assert member.get(f"/news/{draft.pk}/").status_code == 404
    assert member.get(f"/news/{later.pk}/").status_code == 404
    assert draft.status == ArticleStatus.DRAFT and later.status == ArticleStatus.PUBLISHED
    Article.objects.filter(pk=later.pk).update(published_at=timezone.now() - dt.timedelta(minutes=1))
    assert member.get(f"/news/{later.pk}/").status_code == 200


def test_pinned_first_then_newest_and_columns_filter(personas):
    old = publish(personas, title="旧闻", published_at=timezone.now() - dt.timedelta(days=5))
    pinned = publish(
        personas,
        title="置顶指南",
        column="guide",
        pinned=True,
        published_at=timezone.now() - dt.timedelta(days=9),
    )
    new = publish(personas, title="新闻")
    member = login_client(personas.member_user)
    titles = [a["title"] for a in member.get("/api/v1/news").json()]
    assert titles == [pinned.title, new.title, old.title]
    assert [a["title"] for a in member.get("/api/v1/news?column=guide").json()] == ["置顶指南"]
    page = member.get("/news/?column=guide").content.decode()
    assert "置顶指南" in page and "旧闻" not in page


def test_api_create_for_staff_only_and_bad_input(personas):
    staff, member = login_client(personas.staff), login_client(personas.member_user)
    body = {"title": "职工书屋开放", "body": "<p>每天开放</p>", "column": "news"}
    assert member.post("/api/v1/news", body, content_type="application/json").status_code == 403
    r = staff.post("/api/v1/news", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "published"
    r = staff.post("/api/v1/news", {**body, "column": "gossip", "title": ""}, content_type="application/json")
    assert r.status_code in (400, 422) and {"column", "title"} <= set(r.json()["fields"])
    other = login_client(personas.staff_other)
    r = other.post("/api/v1/news", {**body, "org": personas.tree.union.pk}, content_type="application/json")
    assert r.status_code == 404


def test_article_image_checked_by_content(personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from unionhome.core.errors import DomainError

    fake = SimpleUploadedFile("photo.png", b"<script>not an image</script>", content_type="image/png")
    with pytest.raises(DomainError) as err:
        services.article_save(actor=personas.staff, org=personas.tree.union, title="t", body="b", image=fake)
    assert "image" in err.value.fields


def test_staff_pages_keep_what_was_typed(personas):
    staff = login_client(personas.staff)
    r = staff.post(
        "/staff/news/new/", {"title": "", "column": "news", "body": "<p>我写了很多字</p>", "publish": "on"}
    )
    assert r.status_code == 400 and "我写了很多字" in r.content.decode()
    r = staff.post(
        "/staff/news/new/", {"title": "春节慰问", "column": "news", "body": "<p>内容</p>", "publish": "on"}
    )
    assert r.status_code == 302
    assert login_client(personas.member_user).get("/staff/news/").status_code == 403


def test_another_unions_staff_get_404_on_the_editor(personas):
    article = publish(personas)
    assert login_client(personas.staff).get(f"/staff/news/{article.pk}/").status_code == 200
    assert login_client(personas.staff_other).get(f"/staff/news/{article.pk}/").status_code == 404
    assert login_client(personas.member_user).get(f"/staff/news/{article.pk}/").status_code == 403


def test_unticking_publish_takes_an_article_back_to_draft(personas):
    article = publish(personas)
    member = login_client(personas.member_user)
    assert member.get(f"/news/{article.pk}/").status_code == 200
    services.article_save(
        actor=personas.staff,
        org=personas.tree.union,
        article=article,
        title="工会动态",
        body="<p>正文</p>",
        publish=False,
    )
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    assert member.get(f"/news/{article.pk}/").status_code == 404
