"""The hand-written hot reads (core.rows) give the same objects the ORM would, and the home page
is the right person's, with a CSRF token that works."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from unionhome.appeals.dispatch import handler_departments
from unionhome.appeals.models import Appeal
from unionhome.appeals.services import appeal_submit
from unionhome.core import rows
from unionhome.core.auth import load_user
from unionhome.core.errors import NotFound
from unionhome.core.models import Role, RoleAssignment
from unionhome.core.notifications import notify
from unionhome.core.scoping import role_paths
from unionhome.members.models import Member, MemberGroup
from unionhome.members.selectors import member_of

pytestmark = pytest.mark.django_db


def field_values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_member_of_equals_the_orm(personas):
    MemberGroup.objects.create(member=personas.member, group="new_hire")
    MemberGroup.objects.create(member=personas.member, group="posted")
    got = member_of(personas.member_user)
    expected = Member.objects.select_related("org", "site").get(user=personas.member_user)
    assert field_values(got) == field_values(expected)
    assert got.id_number_masked == expected.id_number_masked  # decrypted like the ORM does
    assert field_values(got.org) == field_values(expected.org)
    assert field_values(got.site) == field_values(expected.site)
    assert sorted(got.group_codes) == sorted(expected.group_codes) == ["new_hire", "posted"]
    assert got._state.adding is False and got._state.db == "default"
    got.name = "王建国二"
    got.save(update_fields=["name"])  # an instance that saves like any other
    assert Member.objects.get(pk=got.pk).name == "王建国二"
    assert member_of(get_user_model().objects.create(username="nobody")) is None


def test_load_user_reads_roles_with_the_user(personas, django_assert_num_queries):
    RoleAssignment.objects.create(
        user=personas.staff, org=personas.tree.branch, role=Role.HANDLER, department="后勤部"
    )
    with django_assert_num_queries(1):
        user = load_user(personas.staff.pk)
        assert role_paths(user) == [personas.tree.union.path]
        assert handler_departments(user) == [(personas.tree.branch.path, "后勤部")]
    assert field_values(user) == field_values(get_user_model().objects.get(pk=personas.staff.pk))
    assert load_user(999999) is None and load_user("x") is None


def test_token_caller_is_identity_and_user_in_one_query(personas, django_assert_num_queries):
    import datetime as dt
    import secrets

    from django.utils import timezone

    from unionhome.core.auth import token_digest as _digest
    from unionhome.core.models import ApiToken
    from unionhome.members.identity import token_caller, token_identity

    RoleAssignment.objects.create(
        user=personas.member_user, org=personas.tree.branch, role=Role.HANDLER, department="后勤部"
    )
    RoleAssignment.objects.create(user=personas.member_user, org=personas.tree.union, role=Role.STAFF)
    token = secrets.token_urlsafe(16)
    expires = timezone.now() + dt.timedelta(hours=1)
    ApiToken.objects.create(user=personas.member_user, digest=_digest(token), expires_at=expires)
    with django_assert_num_queries(1):
        identity, user = token_caller(token)
        paths = role_paths(user)
        member = member_of(user)  # read in the token's query
    expected_member = Member.objects.select_related("org", "site").get(user=personas.member_user)
    assert field_values(member) == field_values(expected_member)
    assert field_values(member.org) == field_values(expected_member.org)
    assert field_values(member.site) == field_values(expected_member.site)
    assert member.user is user and member.id_number_masked == expected_member.id_number_masked
    assert identity == token_identity(token)
    assert identity.member_id == personas.member.pk and identity.org_path == personas.tree.branch.path
    expected = load_user(personas.member_user.pk)
    assert field_values(user) == field_values(expected)
    assert sorted(user._role_cache) == sorted(expected._role_cache) and len(user._role_cache) == 2
    assert sorted(paths) == sorted(role_paths(expected))
    assert token_caller("not-a-token") is None
    ApiToken.objects.filter(digest=_digest(token)).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert token_caller(token) is None
    # Staff with no membership: the identity has no member, the roles are there.
    staff_token = secrets.token_urlsafe(16)
    ApiToken.objects.create(user=personas.staff, digest=_digest(staff_token), expires_at=expires)
    identity, user = token_caller(staff_token)
    assert (identity.member_id, identity.org_path) == (None, None)
    assert role_paths(user) == [personas.tree.union.path]
    assert member_of(user) is None
    # A member who left: the record is there for member_of, as without a token, but the identity
    # speaks for no active member.
    Member.objects.filter(pk=personas.member.pk).update(status="left")
    ApiToken.objects.filter(digest=_digest(token)).update(expires_at=expires)
    identity, user = token_caller(token)
    assert identity == token_identity(token) and identity.member_id is None and identity.org_path is None
    assert member_of(user).pk == member_of(load_user(personas.member_user.pk)).pk == personas.member.pk


def test_rows_get_with_relations(personas):
    appeal = appeal_submit(actor=personas.member_user, text="宿舍热水器坏了，洗不了澡")
    got = rows.get(Appeal, appeal.pk, related=("org", "site", "member", "owner"))
    expected = Appeal.objects.select_related("org", "site", "member", "owner").get(pk=appeal.pk)
    assert field_values(got) == field_values(expected)
    assert got.owner is None and got.member.name == "王建国" and got.org.path == expected.org.path


def test_a_record_and_its_timeline_in_one_statement(personas, django_assert_num_queries):
    from unionhome.appeals.selectors import appeal_with_timeline
    from unionhome.appeals.services import appeal_route
    from unionhome.core.audit import timeline_entries

    appeal = appeal_submit(actor=personas.member_user, text="宿舍热水器坏了，洗不了澡")
    appeal_route(appeal, actor=personas.staff, route="policy")
    with django_assert_num_queries(1):
        got, timeline = appeal_with_timeline(personas.member_user, appeal.pk)
    expected = Appeal.objects.select_related("org", "site", "member", "owner").get(pk=appeal.pk)
    assert field_values(got) == field_values(expected) and got.owner.pk == personas.staff.pk
    assert timeline_entries(got, timeline) == timeline_entries(expected) and len(timeline) == 2
    bare = appeal_submit(actor=personas.member_user, text="食堂的饭菜太咸了，希望改进")
    bare_got, bare_timeline = appeal_with_timeline(personas.member_user, bare.pk)
    assert bare_got.pk == bare.pk and len(bare_timeline) == 1
    with pytest.raises(NotFound):
        appeal_with_timeline(personas.member_user, 999999)
    assert rows.get(Appeal, 999999) is None


def test_a_model_that_overrides_save_is_never_marked_saved_by_hand(personas):
    """The one hand-written write left (an offer's claim) is marked saved by `rows.saved`, which
    refuses a model whose own save() the statement skipped."""
    from unionhome.activities.models import OfferClaim
    from unionhome.core.models import User

    assert rows.saved(OfferClaim())._state.adding is False
    with pytest.raises(TypeError, match="overrides save"):
        rows.saved(User(username="x"))


def test_next_id_is_the_key_the_database_would_give_and_a_row_is_written_with_it(personas):
    """An appeal's number is made from its key: the key is taken first (`next_id`) and the row
    written once with both. The key taken is the one the database would have given (the next
    row it numbers itself comes after it), never one a removed row had."""
    from django.db import transaction

    from unionhome.core.models import AuditLog

    first = AuditLog.objects.create(action="k.first", object_type="a.b", object_id="1")
    rows.execute("DELETE FROM core_auditlog WHERE id = %s", [first.pk])  # the largest key goes
    with transaction.atomic():
        taken = rows.next_id(AuditLog)
        own = AuditLog.objects.create(pk=taken, action="k.own", object_type="a.b", object_id="2")
    assert taken > first.pk and own.pk == taken
    assert AuditLog.objects.get(pk=taken).action == "k.own"
    after = AuditLog.objects.create(action="k.after", object_type="a.b", object_id="3")
    assert after.pk > taken


def test_an_appeal_is_numbered_from_its_key(personas):
    from django.utils import timezone

    appeal = appeal_submit(actor=personas.member_user, text="宿舍热水器坏了，下夜班洗不了澡")
    assert appeal.number == f"SQ{timezone.localtime(appeal.received_at):%Y}{appeal.pk:06d}"
    assert Appeal.objects.get(pk=appeal.pk).number == appeal.number
    second = appeal_submit(actor=personas.member_user, text="食堂的饭菜最近又涨价了，分量还少")
    assert second.pk > appeal.pk and second.number.endswith(f"{second.pk:06d}")


def test_a_statement_alone_commits_by_itself_or_under_a_savepoint(personas):
    """Outside a transaction the statement is its own; inside one, its failure is undone alone
    and the enclosing block goes on."""
    from django.db import IntegrityError, connection, transaction

    from unionhome.core.models import AuditLog

    with transaction.atomic():
        AuditLog.objects.create(action="a.kept", object_type="a.b", object_id="1")
        with pytest.raises(IntegrityError), rows.alone():
            rows.execute(
                "INSERT INTO core_auditlog (action, object_type, object_id) VALUES (NULL, 'a', '2')", []
            )
        assert connection.in_atomic_block and not connection.needs_rollback
        assert AuditLog.objects.filter(action="a.kept").exists()


@pytest.mark.django_db(transaction=True)
def test_a_statement_alone_outside_a_transaction_is_committed(personas):
    from django.db import connection

    from unionhome.core.models import AuditLog

    assert not connection.in_atomic_block
    with rows.alone():
        AuditLog.objects.create(action="a.auto", object_type="a.b", object_id="3")
    assert connection.get_autocommit() and AuditLog.objects.filter(action="a.auto").exists()


def token_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def strip_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_home_is_the_same_page_each_time_with_a_working_token(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.member_user)
    first = client.get("/").content.decode()
    second = client.get("/").content.decode()
    assert strip_token(first) == strip_token(second) and "王建国" in second
    # The token of the served page is this request's and is accepted.
    answer = client.post("/prefs/elder/", {"on": "1", "next": "/", "csrfmiddlewaretoken": token_of(second)})
    assert answer.status_code == 302
    elder = client.get("/").content.decode()
    assert 'class="elder"' in elder and 'class="elder"' not in second


def test_home_follows_every_input(personas):
    client = Client()
    client.force_login(personas.member_user)
    before = client.get("/").content.decode()
    notify(personas.member_user, "新消息")
    assert 'class="badge">1' in client.get("/").content.decode()
    personas.member.site.name = "新的站点名"
    personas.member.site.save()
    assert "新的站点名" in client.get("/").content.decode()
    client.cookies["django_language"] = "en"
    assert "Hello, 王建国" in client.get("/").content.decode()
    # Another member never gets this member's page.
    other = Client()
    other.force_login(personas.other_user)
    assert "王建国" not in other.get("/").content.decode() and "王建国" in before


def test_a_page_with_messages_waiting_is_rendered_afresh(personas, rf):
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage

    client = Client()
    client.force_login(personas.member_user)
    client.get("/")
    client.cookies["messages"] = CookieStorage(rf.get("/"))._encode([Message(20, "资料已保存")])
    assert "资料已保存" in client.get("/").content.decode()
    assert "资料已保存" not in client.get("/").content.decode()  # shown once


def test_custom_plans_plans_for_the_values_inside_the_block_only(db):
    """On PostgreSQL the block's statements are planned for their own values (the figures'
    aggregates: a generic plan was four times slower); elsewhere it changes nothing."""
    from django.db import connection

    from unionhome.core import rows

    def mode():
        with connection.cursor() as cursor:
            cursor.execute("SHOW plan_cache_mode")
            return cursor.fetchone()[0]

    before = connection.in_atomic_block
    with rows.custom_plans():
        if connection.vendor == "postgresql":
            assert mode() == "force_custom_plan"
        else:
            assert connection.in_atomic_block == before  # no transaction of its own
    if connection.vendor == "postgresql":
        assert mode() == "auto"
