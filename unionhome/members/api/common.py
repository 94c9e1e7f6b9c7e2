"""Shared by the members API's parts: the member's shape, profile input, the caller's own record."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema

from unionhome.core.bounds import Id, LifeDay
from unionhome.core.errors import DomainError, NotFound
from unionhome.core.models import Site
from unionhome.core.scoping import by_rule

from .. import selectors
from ..models import (
    EmploymentType,
    Member,
    Post,
    Shift,
)

PostCode = Literal[tuple(Post.values)]  # type: ignore[valid-type]
ShiftCode = Literal[tuple(Shift.values)]  # type: ignore[valid-type]
EmploymentCode = Literal[tuple(EmploymentType.values)]  # type: ignore[valid-type]


class MemberOut(Schema):
    id: int
    member_no: str | None
    name: str
    status: str
    union: str
    union_id: int
    site: str | None
    phone: str = Field(description="masked")
    id_number: str = Field(description="masked: 110***********1234")
    gender: str
    age_band: str
    post: str
    employment_type: str
    shift: str
    hired_on: dt.date | None
    joined_on: dt.date | None
    skills: str
    interests: str
    service_groups: list[str]
    registered: bool

    @staticmethod
    def resolve_union(m):
        return m.org.name

    @staticmethod
    def resolve_union_id(m):
        return m.org_id

    @staticmethod
    def resolve_site(m):
        return m.site.name if m.site_id else None

    @staticmethod
    def resolve_phone(m):
        return m.phone_masked

    @staticmethod
    def resolve_id_number(m):
        return m.id_number_masked

    @staticmethod
    def resolve_age_band(m):
        from ..groups import age_band

        return age_band(m.birth_date)

    @staticmethod
    def resolve_service_groups(m):
        return m.group_codes

    @staticmethod
    def resolve_registered(m):
        return m.user_id is not None


class MeOut(Schema):
    username: str
    display_name: str
    elder_mode: bool
    member: MemberOut | None


class ProfileIn(Schema):
    post: PostCode | None = None
    employment_type: EmploymentCode | None = None
    shift: ShiftCode | None = None
    hired_on: LifeDay | None = None
    skills: str | None = Field(None, max_length=200)
    interests: str | None = Field(None, max_length=200)
    site_id: Id | None = None


class StaffProfileIn(ProfileIn):
    name: str | None = Field(None, min_length=1, max_length=50)
    phone: str | None = Field(None, max_length=20)
    employee_no: str | None = Field(None, max_length=30)
    id_number: str | None = Field(None, max_length=18)
    posted_away: bool | None = None
    hardship: bool | None = None


def profile_data(payload: Schema) -> dict:
    data = payload.dict(exclude_unset=True)
    if "site_id" in data:
        site_id = data.pop("site_id")
        sites = by_rule(Site.objects, "any site by number: member_update keeps it to the enterprise")
        site = sites.filter(pk=site_id).select_related("org").first() if site_id else None
        if site_id and site is None:
            raise DomainError(
                "invalid", _("请检查填写的内容"), fields={"site_id": _("未知的工作地点")}, status=422
            )
        data["site"] = site
    return data


def member_qs():
    return Member.objects.select_related("org", "site").prefetch_related("groups")


def own_member(request) -> Member:
    member = selectors.member_of(request.user)
    if member is None:
        raise NotFound(_("您还不是会员"))
    return member


class ReasonIn(Schema):
    reason: str = Field("", max_length=200)


class NoteIn(Schema):
    note: str = Field("", max_length=200)
