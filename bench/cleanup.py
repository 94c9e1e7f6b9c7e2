"""Removing a bench union of 100,000 members: plain DELETEs by org and name prefix. The ORM's
cascade would collect every member and bind their ids as parameters, past PostgreSQL's limit of
65,535 per statement once server-side binding is on."""

from __future__ import annotations


def drop_bench_union(org, username_prefix: str, *, keep_org: bool = False) -> None:
    from django.db import connection, transaction

    from unionhome.core.models import Notification
    from unionhome.members.models import Member, MemberGroup

    member = Member._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        members_of_org = f"SELECT id FROM {member} WHERE org_id = %s"  # noqa: S608 — table names from the models
        for model in _member_dependents():
            cursor.execute(
                f"DELETE FROM {model._meta.db_table} WHERE member_id IN ({members_of_org})",  # noqa: S608
                [org.pk],
            )
        cursor.execute(
            f"DELETE FROM {MemberGroup._meta.db_table} WHERE member_id IN ({members_of_org})", [org.pk]
        )  # noqa: S608
        cursor.execute(f"DELETE FROM {member} WHERE org_id = %s", [org.pk])  # noqa: S608
        users = "SELECT id FROM core_user WHERE username LIKE %s AND password = '!'"
        cursor.execute(
            f"DELETE FROM {Notification._meta.db_table} WHERE user_id IN ({users})",  # noqa: S608
            [username_prefix + "%"],
        )
        cursor.execute(
            "DELETE FROM core_user WHERE username LIKE %s AND password = '!'", [username_prefix + "%"]
        )
    from unionhome.benefits.models import Campaign

    Campaign.objects.filter(org=org).delete()
    if not keep_org:
        org.delete()


def _member_dependents():
    from unionhome.benefits.models import Entitlement

    return [Entitlement]
