"""Who may see what: the doors through which an org-scoped model is read.

Views, APIs and services never filter by org by hand. They read through one of these doors, and
the scope guard (core.guard) fails any read of an org-scoped model that came through none:

- `scope(qs, user)` / `get_scoped(qs, user, pk=…)`: the org subtrees where `user` holds a staff
  role (a list; one record, NotFound for anyone outside, so an outsider cannot tell it exists);
- `within(qs, org)`: an org in hand and everything below it (figures for an org the caller was
  checked over, a roster match inside one enterprise);
- `above(qs, org)`: an org and the unions above it (what is offered to that org's members);
- `own(qs, who)`: one member's or one user's own records;
- `held(obj)`: the row of a record already in hand (a conditional update);
- `by_rule(qs, rule)`: a narrowing the caller wrote itself, named (a handler's department, what
  unions above a member published, a record checked right after by its own rule) — or a
  deliberately whole read (the classifier's examples), said so.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from .errors import NotFound
from .guard import ScopedQuerySet
from .models import Org, Role, RoleAssignment

STAFF_ROLES = frozenset({Role.STAFF, Role.CHAIR, Role.ADMIN})


def role_paths(user, roles: Iterable[str] = STAFF_ROLES) -> list[str]:
    """The org paths under which `user` holds one of `roles`, cached on the user object for the
    request (one query however often a page asks)."""
    if not getattr(user, "is_authenticated", False):
        return []
    wanted = set(roles)
    return sorted({path for role, path, _ in role_grants(user) if role in wanted})


def role_grants(user) -> list[tuple[str, str, str]]:
    """(role, org path, department) of every role `user` holds, read once per request (with the
    user itself when it came through core.auth.load_user)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cache = getattr(user, "_role_cache", None)
    if cache is None:
        cache = list(RoleAssignment.objects.filter(user=user).values_list("role", "org__path", "department"))
        user._role_cache = cache
    return cache


def is_staff_anywhere(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or role_paths(user, STAFF_ROLES))


def is_handler(user) -> bool:
    """A department handler somewhere (a HANDLER role with its department)."""
    return any(role == Role.HANDLER and dept for role, _, dept in role_grants(user))


def subtree_q(paths: list[str], field: str) -> Q:
    lookup = f"{field}__path__startswith" if field else "path__startswith"
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{lookup: path})
    return q


def _door(qs, name: str) -> QuerySet:
    qs = qs.all()
    return qs._via(name) if isinstance(qs, ScopedQuerySet) else qs


def scope(qs: QuerySet, user, *, field: str = "org", roles: Iterable[str] = STAFF_ROLES) -> QuerySet:
    """Narrow `qs` to rows whose `field` org lies in a subtree where `user` holds one of `roles`
    (an active superuser: everything)."""
    qs = _door(qs, "staff")
    if getattr(user, "is_superuser", False) and user.is_active:
        return qs
    paths = role_paths(user, roles)
    if not paths:
        return qs.none()
    return qs.filter(subtree_q(paths, field))


def within(qs: QuerySet, org: Org | None, *, field: str = "org") -> QuerySet:
    """Rows whose `field` org is `org` or below it. The caller holds `org` rightly: one it was
    checked over, or the member's own."""
    qs = _door(qs, "within")
    if org is None:
        return qs.none()
    return qs.filter(subtree_q([org.path], field))


def above(qs: QuerySet, org: Org | None, *, field: str = "org") -> QuerySet:
    """Rows whose `field` org is `org` or a union above it: what is offered to its members."""
    qs = _door(qs, "above")
    if org is None:
        return qs.none()
    return qs.filter(**{f"{field}__path__in": org.ancestor_paths()})


def own(qs: QuerySet, who, *, field: str = "member") -> QuerySet:
    """One member's (or, with field="user", one user's) own rows; nobody's for None."""
    qs = _door(qs, "own")
    if who is None or getattr(who, "pk", None) is None:
        return qs.none()
    return qs.filter(**{field: who})


def held(obj, pk=None) -> QuerySet:
    """The row of a record already in hand (read through a door) — `held(offer)`, or
    `held(Offer, claim.offer_id)` for the record one in hand points at — to lock, re-read or
    update conditionally."""
    model, pk = (obj, pk) if pk is not None else (type(obj), obj.pk)
    return _door(model.objects.filter(pk=pk), "in hand")


def by_rule(qs: QuerySet, rule: str) -> QuerySet:
    """A read narrowed by a rule written where it is called, or deliberately whole (the system's
    work, a public lookup with its own limits). `rule` says which, for the reader."""
    if not rule.strip():
        raise ValueError("by_rule needs the rule it stands for")
    return _door(qs, rule)


def visible_orgs(user, roles: Iterable[str] = STAFF_ROLES) -> QuerySet[Org]:
    return scope(Org.objects.all(), user, field="", roles=roles)


def staff_org(user, pk: int | None, roles: Iterable[str] = STAFF_ROLES) -> Org:
    """The org numbered `pk` when `user` holds one of `roles` over it (403 for someone holding
    none anywhere, 404 for an org above or beside theirs, as for one that does not exist);
    without `pk`, the highest org they hold."""
    from django.utils.translation import gettext

    from .errors import Forbidden, NotFound

    if not (getattr(user, "is_superuser", False) or role_paths(user, roles)):
        raise Forbidden("forbidden", gettext("只有工会工作人员可以使用此功能"))
    orgs = visible_orgs(user, roles)
    org = orgs.filter(pk=pk).first() if pk else orgs.order_by("path").first()
    if org is None:
        raise NotFound()
    return org


def has_role_over(user, org: Org | None, roles: Iterable[str] = STAFF_ROLES) -> bool:
    if org is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser and user.is_active:
        return True
    return any(org.path.startswith(path) for path in role_paths(user, roles))


def holders_over(org: Org, roles: Iterable[str], *, department: str | None = None) -> QuerySet:
    """Active users holding one of `roles` on `org` or any org above it (e.g. the chairs to
    escalate to); with `department`, only assignments for that department."""
    from django.contrib.auth import get_user_model

    same_assignment = {"roles__role__in": list(roles), "roles__org__path__in": org.ancestor_paths()}
    if department is not None:
        same_assignment["roles__department"] = department
    return get_user_model().objects.filter(is_active=True, **same_assignment).distinct()


def colleagues(user, roles: Iterable[str] = STAFF_ROLES) -> QuerySet:
    """Active users holding one of `roles` somewhere in the subtrees where `user` holds a staff
    role: whom a record can be handed to."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True)
    if getattr(user, "is_superuser", False) and user.is_active:
        return users.filter(roles__role__in=list(roles)).distinct()
    paths = role_paths(user, STAFF_ROLES)
    if not paths:
        return users.none()
    return users.filter(subtree_q(paths, "roles__org"), roles__role__in=list(roles)).distinct()


def get_scoped(qs: QuerySet, user, *, field: str = "org", roles: Iterable[str] = STAFF_ROLES, **lookup):
    obj = scope(qs, user, field=field, roles=roles).filter(**lookup).first()
    if obj is None:
        raise NotFound()
    return obj


def ensure_role_over(user, org: Org | None, roles: Iterable[str] = STAFF_ROLES) -> None:
    """For services: an actor without the role over `org` is told the record does not exist."""
    if not has_role_over(user, org, roles):
        raise NotFound()


def require_staff(user) -> None:
    """Staff-only lists and pages: anybody else is refused outright."""
    from django.utils.translation import gettext

    from .errors import Forbidden

    if not is_staff_anywhere(user):
        raise Forbidden("forbidden", gettext("只有工会工作人员可以使用此功能"))


def home_org(user, roles: Iterable[str] = STAFF_ROLES) -> Org | None:
    """The highest union where `user` holds one of `roles`: where their work lands by default."""
    paths = role_paths(user, roles)
    if not paths:
        return Org.objects.order_by("path").first() if getattr(user, "is_superuser", False) else None
    return Org.objects.filter(path=min(paths, key=len)).first()
