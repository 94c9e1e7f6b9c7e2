"""Scoping that cannot be forgotten (core.guard): during a request, an org-scoped model read
without a door in core.scoping fails; every door lets its read through; the system's own work
(tasks, commands) reads freely; and no org-scoped model is left unguarded."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.test import RequestFactory
from huey.contrib.djhuey import db_task

from unionhome.core.guard import Scoped, ScopeError, guarded
from unionhome.core.middleware import ScopeGuardMiddleware
from unionhome.core.models import Org, Site
from unionhome.core.scoping import above, by_rule, get_scoped, held, own, scope, within
from unionhome.members.models import Member, MemberGroup

from ..factories import UserFactory


def test_a_read_without_a_scope_fails_during_a_request(personas):
    def view(request):
        return HttpResponse(str(Member.objects.count()))

    with pytest.raises(ScopeError, match="members.Member"):
        ScopeGuardMiddleware(view)(RequestFactory().get("/"))


@pytest.mark.parametrize(
    "read",
    [
        lambda qs: list(qs),
        lambda qs: qs.count(),
        lambda qs: qs.exists(),
        lambda qs: qs.first(),
        lambda qs: qs.get(pk=0),
        lambda qs: list(qs.values_list("pk", flat=True)),
        lambda qs: qs.aggregate(n=models.Count("pk")),
        lambda qs: list(qs.iterator()),
        lambda qs: qs.update(name="x"),
        lambda qs: qs.delete(),
        lambda qs: qs.in_bulk([1]),
        lambda qs: qs.get_or_create(name="x"),
    ],
)
def test_every_way_of_reading_is_guarded(personas, read):
    with guarded(), pytest.raises(ScopeError):
        read(Member.objects.filter(name__startswith="王"))


def test_each_door_lets_its_read_through(personas):
    p = personas
    with guarded():
        assert {m.name for m in scope(Member.objects, p.staff)} == {"王建国", "李秀英"}
        assert get_scoped(Member.objects, p.staff, pk=p.member.pk) == p.member
        assert within(Member.objects, p.tree.branch).filter(pk=p.member.pk).exists()
        assert own(Member.objects, p.member_user, field="user").get() == p.member
        assert own(Member.objects, None, field="user").count() == 0
        assert held(p.member).get() == p.member
        assert held(Member, p.member.pk).update(skills="电工") == 1
        assert by_rule(Member.objects, "a test's own rule").filter(pk=p.member.pk).count() == 1
        with pytest.raises(ValueError):
            by_rule(Member.objects, " ")  # a rule without its name is no door
        # A door's mark survives the filters, orderings and slices after it.
        assert scope(Member.objects, p.staff).filter(name="王建国").order_by("pk")[:1].get() == p.member


def test_above_holds_the_org_and_the_unions_over_it(personas):
    t = personas.tree
    mine = Site.objects.create(org=t.branch, name="站点甲")
    overhead = Site.objects.create(org=t.union, name="站点乙")
    elsewhere = Site.objects.create(org=t.other_union, name="站点丙")
    with guarded():
        found = set(above(Site.objects, t.branch))
        assert {mine, overhead} <= found
        assert elsewhere not in found
        assert not above(Site.objects, None).exists()


def test_what_stays_open_stays_open(personas):
    p = personas
    MemberGroup.objects.filter(member=p.member).delete()
    with guarded():
        # A record's children, through the record in hand.
        MemberGroup.objects.create(member=p.member, group="new_hire")
        assert [g.group for g in p.member.groups.all()] == ["new_hire"]
        # Creating a row, and the model's own uniqueness checks across every org.
        Site.objects.create(org=p.tree.branch, name="新站点")
        with pytest.raises(ValidationError) as refused:
            Site(org=p.tree.branch, name="新站点").full_clean()
        assert "__all__" in refused.value.message_dict
        # An empty queryset reads nothing.
        assert list(Member.objects.none()) == []
        # A guarded queryset inside another query: the outer one answers to its scope.
        inner = Member.objects.filter(name="王建国").values("org")
        assert Org.objects.filter(pk__in=inner).exists()


def test_outside_a_request_the_system_reads_freely(personas):
    assert Member.objects.count() >= 2


@db_task()
def _count_members() -> int:
    return Member.objects.count()


def test_a_task_run_inside_a_request_acts_for_the_system(personas):
    """Tasks run at once here (HUEY_IMMEDIATE), inside the request that queued them, as the
    outbox relays them after a commit: they act for the system."""
    with guarded():
        assert _count_members()(blocking=True) >= 2
        with pytest.raises(ScopeError):
            Member.objects.count()  # and the request's guard is back afterwards


# Models outside the guard, each with the reason.
UNGUARDED = {
    "core.User": "who logs in: read by the login and the token readers before anyone is known",
    "core.Org": "the tree itself, whose names are public (the join form lists them)",
    "core.RoleAssignment": "read by the scope itself",
    "core.ApiToken": "found by its secret's digest",
    "core.LoginSession": "a user's own devices, read by the session's key",
    "core.OutboxTask": "the system's queue",
    "core.WorkdayOverride": "the national calendar",
    "content.ArticleRead": "a user's own reads, always by the user (no org: an article is read across unions)",
    "learning.Lesson": "read through its course, whose union and audience decide who sees it",
    "learning.LessonPage": "read through its lesson, and so its course",
    "learning.SigningKey": "a union's published verification key (the private half encrypted)",
}


def test_every_org_scoped_model_is_guarded():
    ours = [m for m in apps.get_models() if m.__module__.startswith("unionhome.")]
    unguarded = {m._meta.label for m in ours if not issubclass(m, Scoped)}
    assert unguarded == set(UNGUARDED), "a new model: inherit core.guard.Scoped, or say here why not"
    for model in ours:
        if issubclass(model, Scoped):
            assert type(model.objects).__name__ == "ScopedManager", model


def test_the_app_code_never_reads_around_the_guard():
    """`_base_manager` and `_default_manager` are Django's; only core.workflow (its conditional
    update of a record in hand) names one."""
    root = Path(__file__).resolve().parents[2] / "unionhome"
    found = []
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in {"_base_manager", "_default_manager"}:
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert {place.split(":")[0] for place in found} == {"core/workflow.py"}


def test_the_admin_opens_for_an_active_superuser_only(personas, as_user):
    staff_flag = UserFactory(username="flagged", is_staff=True)
    assert as_user(staff_flag).get("/admin/members/member/").status_code == 302
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    assert as_user(root).get("/admin/members/member/").status_code == 200
