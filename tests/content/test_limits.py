"""News and notices refuse the same values on the page and the API: both read the model's
limits (core.fields)."""

from __future__ import annotations

import pytest

from tests.limits import page_and_api_refuse
from unionhome.content.api import ArticleIn, NoticeIn
from unionhome.content.forms import ArticleForm, NoticeForm

ARTICLE = {"title": "春节慰问", "column": "news", "body": "<p>内容</p>", "publish": True}
NOTICE = {"title": "停水通知", "body": "明天停水"}

CASES = [
    (ArticleForm, ArticleIn, ARTICLE, "title", " "),
    (ArticleForm, ArticleIn, ARTICLE, "title", "标" * 121),
    (ArticleForm, ArticleIn, ARTICLE, "summary", "摘" * 201),
    (ArticleForm, ArticleIn, ARTICLE, "body", ""),
    (ArticleForm, ArticleIn, ARTICLE, "body", "x" * 50_001),
    (ArticleForm, ArticleIn, ARTICLE, "image_alt", "图" * 101),
    (ArticleForm, ArticleIn, ARTICLE, "column", "gossip"),
    (NoticeForm, NoticeIn, NOTICE, "title", ""),
    (NoticeForm, NoticeIn, NOTICE, "body", "通" * 2001),
]


@pytest.mark.parametrize(("form_class", "schema", "valid", "field", "bad"), CASES)
def test_the_page_and_the_api_refuse_the_same_values(form_class, schema, valid, field, bad):
    page_and_api_refuse(form_class, schema, valid, field, bad)


def test_a_body_of_nothing_but_script_is_refused_by_the_service(personas):
    from unionhome.content import services
    from unionhome.core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        services.article_save(
            actor=personas.staff, org=personas.tree.union, title="t", body="<script>alert(1)</script>"
        )
    assert set(refused.value.fields) == {"body"}
