"""News and notices API."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from unionhome.core.api import local_iso, staff_org
from unionhome.core.bounds import Id, Moment
from unionhome.core.fields import InSchema, schema_field
from unionhome.core.openapi import refuses
from unionhome.members.audience import AudienceIn

from . import selectors, services
from .models import Article, Column, Notice

router = Router(tags=["content"])

ColumnCode = Literal[tuple(Column.values)]  # type: ignore[valid-type]


class ArticleOut(Schema):
    id: int
    column: str
    column_name: str
    title: str
    summary: str
    published_at: str | None
    pinned: bool
    org: str
    image: str | None

    @staticmethod
    def resolve_column_name(a):
        return str(Column(a.column).label)

    @staticmethod
    def resolve_published_at(a):
        return local_iso(a.published_at)

    @staticmethod
    def resolve_org(a):
        return a.org.name

    @staticmethod
    def resolve_image(a):
        return f"/news/{a.pk}/image/" if a.image else None


class ArticleDetail(ArticleOut):
    body: str = Field(description="sanitised HTML")
    status: str


@router.get("/news", response=list[ArticleOut])
def news_list(request, column: ColumnCode | None = None, limit: int = Query(50, ge=1, le=500)):  # type: ignore[valid-type]
    """Published articles the caller may read, pinned first, newest first."""
    return list(selectors.articles_published(request.user, column or "")[:limit])


@router.get("/news/{article_id}", response=ArticleDetail)
def news_get(request, article_id: Id):
    return selectors.article_get(request.user, article_id)


class ArticleIn(InSchema):
    title: str = schema_field(Article, "title")
    body: str = schema_field(Article, "body", description="HTML; sanitised")
    column: ColumnCode = Column.NEWS  # type: ignore[valid-type]
    summary: str = schema_field(Article, "summary")
    image_alt: str = schema_field(Article, "image_alt")
    pinned: bool = False
    publish: bool = True
    published_at: Moment | None = Field(None, description="later than now: scheduled")
    org: Id | None = None


@router.post("/news", response={201: ArticleDetail})
@refuses(404)
def news_create(request, payload: ArticleIn):
    org = staff_org(request, payload.org)
    article = services.article_save(actor=request.user, org=org, **payload.dict(exclude={"org"}))
    return Status(201, article)


class NoticeIn(InSchema):
    title: str = schema_field(Notice, "title")
    body: str = schema_field(Notice, "body")
    audience: AudienceIn = Field(default_factory=AudienceIn)
    channels: list[Literal["sms", "wechat"]] = Field(default_factory=list)
    url: str = schema_field(Notice, "url", description="a path on this site, or https on a listed host")
    org: Id | None = None


class NoticeOut(Schema):
    id: int
    title: str
    body: str
    org: str
    audience: dict
    channels: list[str]
    status: str
    recipients: int
    read: int
    reach: float
    sent_at: str | None

    @staticmethod
    def resolve_org(n):
        return n.org.name

    @staticmethod
    def resolve_read(n):
        return services.notice_reach(n)["read"]

    @staticmethod
    def resolve_reach(n):
        return services.notice_reach(n)["rate"]

    @staticmethod
    def resolve_sent_at(n):
        return local_iso(n.sent_at)


@router.post("/notices", response={201: NoticeOut})
@refuses(404)
def notice_create(request, payload: NoticeIn):
    """Send a targeted notice to the members of a union (and below) who match the audience.
    The fan-out runs in the background; `recipients` is filled in when it is done."""
    org = staff_org(request, payload.org)
    notice = services.notice_send(
        actor=request.user,
        org=org,
        title=payload.title,
        body=payload.body,
        audience=payload.audience.dict(),
        channels=payload.channels,
        url=payload.url,
    )
    notice.refresh_from_db()
    return Status(201, notice)


class PreviewIn(Schema):
    audience: AudienceIn = Field(default_factory=AudienceIn)
    org: Id | None = None


@router.post("/notices/preview", response=dict)
@refuses(404)
def notice_preview(request, payload: PreviewIn):
    """How many members the audience reaches, before sending."""
    org = staff_org(request, payload.org)
    return {"count": services.audience_count(org, payload.audience.dict())}


@router.get("/notices", response=list[NoticeOut])
@refuses(403)
def notice_list(request, limit: int = Query(50, ge=1, le=500)):
    return list(selectors.notices_managed(request.user)[:limit])


@router.get("/notices/{notice_id}", response=NoticeOut)
@refuses(403)
def notice_get(request, notice_id: Id):
    return selectors.notice_get(request.user, notice_id)
