"""Who a notice, an activity or an offer is for: an audience of members of one union's subtree.

An audience is a dict — {"sites": [ids], "groups": [...], "posts": [...], "levels": [...],
"age_min", "age_max", "shifts": [...], "roles": [...]} — every key optional; an empty audience
means every member. `levels` are skill levels (members.SkillLevel)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema

from unionhome.core.bounds import Age, Id, id_value
from unionhome.core.errors import DomainError
from unionhome.core.models import Org, Role, RoleAssignment, Site
from unionhome.core.scoping import by_rule, within

from .models import Member, MemberStatus, Post, ServiceGroup, Shift, SkillLevel

AUDIENCE_KEYS = {"sites", "groups", "posts", "levels", "shifts", "age_min", "age_max", "roles"}


class AudienceIn(Schema):
    """An audience as the API takes it: the same keys as the dict, each optional. The forms'
    fields are `forms.AudienceFields`; both are checked by `clean_audience`."""

    sites: list[Id] = Field(default_factory=list, max_length=500)
    groups: list[str] = Field(default_factory=list, description="service groups, e.g. frontline_shift")
    posts: list[str] = Field(default_factory=list, description="posts, e.g. security")
    levels: list[str] = Field(default_factory=list, description="skill levels, e.g. middle")
    shifts: list[str] = Field(default_factory=list, description="shifts: day, rotating, night")
    age_min: Age | None = None
    age_max: Age | None = None
    roles: list[str] = Field(default_factory=list, description="e.g. volunteer")


def clean_audience(org: Org, audience: dict | None) -> dict:
    """Check an audience against the sender's union: sites must be its own, groups, posts and
    roles must exist, ages must make sense. Unknown keys are refused, not ignored."""
    audience = {k: v for k, v in (audience or {}).items() if v not in (None, "", [])}
    errors: dict[str, str] = {}
    unknown = set(audience) - AUDIENCE_KEYS
    if unknown:
        errors["audience"] = _("不认识的条件：%(keys)s") % {"keys": ", ".join(sorted(unknown))}
    if "sites" in audience:
        ids = [n for s in audience["sites"] if (n := id_value(s))]
        found = set(within(Site.objects, org).filter(pk__in=ids).values_list("pk", flat=True))
        if len(found) != len(set(audience["sites"])):
            errors["sites"] = _("站点不属于本工会")
        audience["sites"] = sorted(found)
    for key, choices in (
        ("groups", ServiceGroup.values),
        ("posts", Post.values),
        ("levels", SkillLevel.values),
        ("shifts", Shift.values),
        ("roles", Role.values),
    ):
        if key in audience and not set(audience[key]) <= set(choices):
            errors[key] = _("没有这个选项")
    for key in ("age_min", "age_max"):
        if key in audience:
            try:
                audience[key] = int(audience[key])
            except (TypeError, ValueError):
                errors[key] = _("请输入整数")
                continue
            if not 16 <= audience[key] <= 100:
                errors[key] = _("年龄应在 16 到 100 之间")
    if not errors and audience.get("age_min", 0) > audience.get("age_max", 200):
        errors["age_max"] = _("最大年龄不能小于最小年龄")
    if errors:
        raise DomainError("invalid", _("请检查发送对象"), fields=errors)
    return audience


def audience_members(org: Org, audience: dict, *, registered_only: bool = True):
    """Members of `org`'s subtree who match every condition; with `registered_only`, only those
    with an account (who can be told on the phone)."""
    qs = within(Member.objects, org).filter(status=MemberStatus.ACTIVE)
    if registered_only:
        qs = qs.filter(user__isnull=False)
    if audience.get("sites"):
        qs = qs.filter(site_id__in=audience["sites"])
    if audience.get("posts"):
        qs = qs.filter(post__in=audience["posts"])
    if audience.get("levels"):
        qs = qs.filter(skill_level__in=audience["levels"])
    if audience.get("shifts"):
        qs = qs.filter(shift__in=audience["shifts"])
    if audience.get("groups"):
        qs = qs.filter(groups__group__in=audience["groups"])
    today = timezone.localdate()
    if audience.get("age_min"):
        qs = qs.filter(birth_date__lte=_years_ago(today, audience["age_min"]))
    if audience.get("age_max"):
        qs = qs.filter(birth_date__gt=_years_ago(today, audience["age_max"] + 1))
    if audience.get("roles"):
        holders = RoleAssignment.objects.filter(role__in=audience["roles"]).values("user_id")
        qs = qs.filter(user_id__in=holders)
    return qs.distinct()


def _years_ago(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def audience_count(org: Org, audience: dict) -> int:
    return audience_members(org, clean_audience(org, audience)).count()


def audience_includes(org: Org, audience: dict, *, member_id: int, org_path: str) -> bool:
    """Whether one member (of the union at `org_path`) is in `org`'s audience: no query when the
    audience is every member, one otherwise."""
    if not org_path.startswith(org.path):
        return False
    return (
        not audience or audience_members(org, audience, registered_only=False).filter(pk=member_id).exists()
    )


def audience_matcher(member: Member):
    """`matches(org, audience)` for one member, answered in Python from two queries (the member's
    service groups and roles), for pages that ask about many audiences at once. Same rules as
    `audience_members`: active members of `org`'s subtree meeting every condition."""
    groups = set(member.groups.values_list("group", flat=True))
    roles = (
        set(RoleAssignment.objects.filter(user_id=member.user_id).values_list("role", flat=True))
        if member.user_id
        else set()
    )
    today = timezone.localdate()
    path = member.org.path

    def matches(org: Org, audience: dict) -> bool:
        if member.status != MemberStatus.ACTIVE or not path.startswith(org.path):
            return False
        born = member.birth_date
        return (
            (not audience.get("sites") or member.site_id in audience["sites"])
            and (not audience.get("posts") or member.post in audience["posts"])
            and (not audience.get("levels") or member.skill_level in audience["levels"])
            and (not audience.get("shifts") or member.shift in audience["shifts"])
            and (not audience.get("groups") or bool(groups & set(audience["groups"])))
            and (not audience.get("roles") or bool(roles & set(audience["roles"])))
            and (
                not audience.get("age_min")
                or (born is not None and born <= _years_ago(today, audience["age_min"]))
            )
            and (
                not audience.get("age_max")
                or (born is not None and born > _years_ago(today, audience["age_max"] + 1))
            )
        )

    return matches


def describe_audience(audience: dict) -> str:
    """The audience in words, for pages ("全体会员" when empty)."""
    parts = []
    if audience.get("sites"):
        sites = by_rule(Site.objects, "an audience's sites, held within its union when it was saved")
        parts.append("、".join(sites.filter(pk__in=audience["sites"]).values_list("name", flat=True)))
    for key, choices in (
        ("groups", ServiceGroup), ("posts", Post), ("levels", SkillLevel), ("shifts", Shift), ("roles", Role)
    ):  # fmt: skip
        if audience.get(key):
            parts.append("、".join(str(choices(v).label) for v in audience[key]))
    if audience.get("age_min") or audience.get("age_max"):
        parts.append(
            _("%(lo)s–%(hi)s 岁")
            % {"lo": audience.get("age_min") or 16, "hi": audience.get("age_max") or 100}
        )
    return "；".join(parts) or _("全体会员")
