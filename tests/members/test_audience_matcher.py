"""The in-Python audience check answers exactly as the audience query does."""

from __future__ import annotations

import datetime as dt

import pytest

from unionhome.core.models import Role
from unionhome.members.audience import audience_includes, audience_matcher

from ..factories import grant

AUDIENCES = [
    {},
    {"posts": ["security"]},
    {"posts": ["cleaning"]},
    {"shifts": ["night"]},
    {"shifts": ["day", "rotating"]},
    {"groups": ["frontline_shift"]},
    {"groups": ["women"]},
    {"age_min": 45},
    {"age_max": 40},
    {"age_min": 40, "age_max": 60},
    {"roles": ["volunteer"]},
    {"posts": ["security"], "shifts": ["night"], "groups": ["frontline_shift"]},
]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_matcher_agrees_with_the_query(personas, audience):
    from unionhome.members.groups import recompute

    member = personas.member
    member.post, member.shift, member.birth_date = "security", "night", dt.date(1975, 6, 1)
    member.save()
    recompute(member)
    grant(personas.member_user, personas.tree.union, Role.VOLUNTEER)
    site_audience = {**audience, "sites": [personas.tree.site.pk]}
    for org in (personas.tree.union, personas.tree.branch, personas.tree.other_union):
        for aud in (audience, site_audience):
            expected = audience_includes(org, aud, member_id=member.pk, org_path=member.org.path)
            assert audience_matcher(member)(org, aud) is expected, (org, aud)
