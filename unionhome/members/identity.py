"""Who a request speaks for: the user, and their active membership if any.

Read with the bearer token in one indexed query (`token_identity`), or with the user and their
member record for the endpoints that use them (`token_caller`); a page session's the same way
(`member_identity`). These live with the members, whose record they read; the composition root
(`unionhome/api.py`, `unionhome/wsgi.py`) hands them to the kernel's bearer authentication and
fast path, so the kernel reads no app's tables."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from unionhome.core import rows
from unionhome.core.auth import ROLE_COLUMNS, role_joins, roles_from, token_digest
from unionhome.core.models import ApiToken, Org

from .models import Member, MemberStatus
from .selectors import member_columns, member_joins, member_key_status_path


@dataclass(frozen=True)
class Identity:
    """Who a bearer token speaks for: the user, and their active membership if any."""

    user_id: int
    member_id: int | None
    org_path: str | None


def _identity_sql(where: str) -> str:
    User = get_user_model()
    return (
        f"SELECT u.id, m.id, o.path FROM {User._meta.db_table} u"  # noqa: S608 — table names from the models; values are bound
        f" LEFT JOIN {Member._meta.db_table} m ON m.user_id = u.id AND m.status = %s"
        f" LEFT JOIN {Org._meta.db_table} o ON o.id = m.org_id"
        f" {where}"
    )


def token_identity(token: str) -> Identity | None:
    """The active user a live bearer token belongs to, with their membership: one indexed query,
    written by hand because it runs on every API call (the ORM's compile cost was most of a
    cheap request's time, and a claim in an offer burst needs nothing more than this)."""
    sql = _identity_sql(
        f"JOIN {ApiToken._meta.db_table} t ON t.user_id = u.id"  # noqa: S608 — table name from the model
        " WHERE t.digest = %s AND t.expires_at > %s AND u.is_active"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [MemberStatus.ACTIVE, token_digest(token), timezone.now()])
        row = cursor.fetchone()
    return Identity(*row) if row else None


def token_caller(token: str):
    """`token_identity` and `load_user` in one query, `(identity, user)` or None: for the fast
    path's endpoints that use the user as well (core.fastpath). The same query reads the user's
    member record with its union and site; `members.selectors.member_of` builds it from that row
    when asked, so a member's appeal costs no second read."""
    found = rows.fetch_all(_caller_sql(), [token_digest(token), timezone.now()])
    if not found:
        return None
    User = get_user_model()
    at = rows.width(User)
    first = found[0]
    user = rows.instance(User, first)
    user._role_cache = roles_from(found, at)  # the member record is one row: no role is repeated
    at_member = at + 3
    user._member_row = (first, at_member)
    member_id, status, org_path = member_key_status_path(first, at_member)
    active = member_id is not None and status == MemberStatus.ACTIVE
    return Identity(user.pk, member_id if active else None, org_path if active else None), user


@cache
def _caller_sql() -> str:
    User = get_user_model()
    return (
        f"SELECT {rows.columns(User, 'u')}, {ROLE_COLUMNS}, {member_columns()}"  # noqa: S608 — names from the models; values are bound
        f" FROM {ApiToken._meta.db_table} t JOIN {User._meta.db_table} u ON u.id = t.user_id"
        f"{member_joins('u.id')}{role_joins()}"
        " WHERE t.digest = %s AND t.expires_at > %s AND u.is_active"
    )


def member_identity(user_id: int) -> Identity:
    """The same for a user already authenticated (a page session)."""
    with connection.cursor() as cursor:
        cursor.execute(_identity_sql("WHERE u.id = %s"), [MemberStatus.ACTIVE, user_id])
        row = cursor.fetchone()
    return Identity(*row) if row else Identity(user_id, None, None)
