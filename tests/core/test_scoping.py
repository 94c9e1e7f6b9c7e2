from unionhome.core.errors import NotFound
from unionhome.core.scoping import get_scoped, has_role_over, scope, visible_orgs
from unionhome.members.models import Member


def test_staff_see_their_subtree_only(personas):
    p = personas
    names = set(scope(Member.objects.all(), p.staff).values_list("name", flat=True))
    assert names == {"王建国", "李秀英"}
    assert not scope(Member.objects.all(), p.staff_other).exists()


def test_admin_of_higher_union_sees_every_union_below(personas):
    assert scope(Member.objects.all(), personas.admin).count() == 2
    assert set(visible_orgs(personas.admin)) >= {personas.tree.union, personas.tree.other_union}


def test_members_and_handlers_have_no_staff_scope(personas):
    for user in (personas.member_user, personas.handler):
        assert not scope(Member.objects.all(), user).exists()
        assert not has_role_over(user, personas.tree.union)


def test_get_scoped_raises_not_found_for_outsiders(personas):
    import pytest

    with pytest.raises(NotFound):
        get_scoped(Member.objects.all(), personas.staff_other, pk=personas.member.pk)
    assert get_scoped(Member.objects.all(), personas.staff, pk=personas.member.pk) == personas.member


def test_role_lookup_is_one_query_per_request(personas, django_assert_num_queries):
    user = personas.staff
    with django_assert_num_queries(1):
        for _ in range(5):
            has_role_over(user, personas.tree.branch)
