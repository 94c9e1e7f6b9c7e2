import datetime as dt

import pytest

from unionhome.members import groups, services
from unionhome.members.models import Gender, Member, Post, ServiceGroup, Shift

TODAY = dt.date(2026, 11, 21)


def member(**kw):
    defaults = {
        "name": "测",
        "gender": Gender.MALE,
        "birth_date": dt.date(1980, 1, 1),
        "post": Post.SECURITY,
        "shift": Shift.DAY,
        "hired_on": dt.date(2015, 1, 1),
    }
    return Member(**(defaults | kw))


@pytest.mark.parametrize(
    ("kw", "group"),
    [
        ({"hired_on": dt.date(2026, 3, 1)}, ServiceGroup.NEW_HIRE),
        ({"shift": Shift.NIGHT}, ServiceGroup.FRONTLINE_SHIFT),
        ({"shift": Shift.ROTATING}, ServiceGroup.FRONTLINE_SHIFT),
        ({"gender": Gender.FEMALE}, ServiceGroup.WOMEN),
        ({"posted_away": True}, ServiceGroup.POSTED),
        ({"hardship": True}, ServiceGroup.HARDSHIP),
        ({"birth_date": dt.date(1967, 6, 1)}, ServiceGroup.NEAR_RETIREMENT),
    ],
)
def test_each_group_rule(kw, group):
    assert groups.groups_for(member(), TODAY) == set()
    assert group in groups.groups_for(member(**kw), TODAY)


@pytest.mark.parametrize(
    ("birth", "gender", "post", "retires"),
    [
        (dt.date(1964, 12, 15), "M", Post.SECURITY, dt.date(2024, 12, 15)),  # before the reform: 60
        (dt.date(1965, 1, 10), "M", Post.SECURITY, dt.date(2025, 2, 10)),  # first cohort: +1 month
        (dt.date(1980, 6, 1), "M", Post.REPAIR, dt.date(2043, 6, 1)),  # capped at 63
        (dt.date(1975, 1, 1), "F", Post.CLEANING, dt.date(2025, 2, 1)),  # women at 50: +1 month
        (dt.date(1990, 1, 1), "F", Post.CLEANING, dt.date(2045, 1, 1)),  # capped at 55
        (dt.date(1970, 1, 1), "F", Post.MANAGEMENT, dt.date(2025, 2, 1)),  # women at 55: +1 month
    ],
)
def test_statutory_retirement_date(birth, gender, post, retires):
    assert groups.retirement_date(birth_date=birth, gender=gender, post=post) == retires


def test_woman_cleaner_near_50_is_near_retirement_but_a_manager_is_not():
    assert ServiceGroup.NEAR_RETIREMENT in groups.groups_for(
        member(gender="F", post=Post.CLEANING, birth_date=dt.date(1977, 1, 1)), TODAY
    )
    assert ServiceGroup.NEAR_RETIREMENT not in groups.groups_for(
        member(gender="F", post=Post.MANAGEMENT, birth_date=dt.date(1977, 1, 1)), TODAY
    )


def test_age_band():
    assert groups.age_band(dt.date(1970, 1, 1), TODAY) == "50-59"
    assert groups.age_band(dt.date(2000, 1, 1), TODAY) == "<30"
    assert groups.age_band(dt.date(1960, 1, 1), TODAY) == "60+"


def test_groups_are_recomputed_when_the_profile_changes(personas):
    m = personas.member
    assert ServiceGroup.FRONTLINE_SHIFT not in m.group_codes
    services.member_update(member=m, actor=personas.member_user, changes={"shift": Shift.NIGHT})
    assert ServiceGroup.FRONTLINE_SHIFT in Member.objects.get(pk=m.pk).group_codes
    services.member_update(member=m, actor=personas.staff, changes={"hardship": True, "shift": Shift.DAY})
    assert set(Member.objects.get(pk=m.pk).group_codes) == {ServiceGroup.HARDSHIP}


def test_member_cannot_set_staff_only_fields(personas):
    from unionhome.core.errors import DomainError

    with pytest.raises(DomainError) as err:
        services.member_update(member=personas.member, actor=personas.member_user, changes={"hardship": True})
    assert "hardship" in err.value.fields


def test_staff_group_filter_follows_profile_changes(personas, as_user):
    client = as_user(personas.staff)
    assert "王建国" not in client.get("/staff/members/", {"group": "posted"}).content.decode()
    services.member_update(member=personas.member, actor=personas.staff, changes={"posted_away": True})
    assert "王建国" in client.get("/staff/members/", {"group": "posted"}).content.decode()
