"""The departments an enterprise's 会办单 go to, kept as a list by the union's staff, and their
handlers (the HANDLER role on the department's org, with its name). A dispatch can only name a
department on the list that has a handler, so no step waits on nobody."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from unionhome.core.audit import log_action
from unionhome.core.errors import Conflict, DomainError, NotFound
from unionhome.core.models import Department, Org, Role, RoleAssignment
from unionhome.core.scoping import above, ensure_role_over, scope, within

from .models import Member


def departments_over(org: Org | None) -> QuerySet[Department]:
    """The departments in use that an appeal of `org` can be sent to: its own org's and those of
    the unions above it."""
    return above(Department.objects.filter(active=True), org).select_related("org")


def department_managed(user) -> QuerySet[Department]:
    """Every department, in use or retired, in the subtrees where `user` is staff."""
    return scope(Department.objects.select_related("org"), user).order_by("-active", "org__path", "name")


def handlers_of(department: Department) -> QuerySet:
    """The active users who answer for `department`."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            roles__role=Role.HANDLER,
            roles__org=department.org_id,
            roles__department=department.name,
        )
        .distinct()
    )


def handlers_by_department(departments) -> dict[int, list]:
    """Department id → its active handlers, for a whole list in one query."""
    wanted = {(d.org_id, d.name): d.pk for d in departments}
    found: dict[int, list] = {pk: [] for pk in wanted.values()}
    grants = RoleAssignment.objects.filter(
        role=Role.HANDLER,
        user__is_active=True,
        org_id__in={org for org, _ in wanted},
        department__in={name for _, name in wanted},
    ).select_related("user")
    for grant in grants.order_by("user_id"):
        if (key := (grant.org_id, grant.department)) in wanted:
            found[wanted[key]].append(grant.user)
    return found


def handler_counts(departments) -> dict[int, int]:
    """Department id → how many active handlers it has."""
    wanted = {(d.org_id, d.name): d.pk for d in departments}
    rows = RoleAssignment.objects.filter(
        role=Role.HANDLER,
        user__is_active=True,
        org_id__in={org for org, _ in wanted},
        department__in={name for _, name in wanted},
    ).values_list("org_id", "department")
    counts = dict.fromkeys(wanted.values(), 0)
    for key in rows:
        if key in wanted:
            counts[wanted[key]] += 1
    return counts


def department_problem(name: str, known: dict, staffed: dict) -> str | None:
    """Why `name` cannot be sent work (会办单, 提案承办): it must be on the list (`known`: name →
    department) and have a handler (`staffed`: department id → count), or the work waits on
    nobody. None when it can."""
    if not name:
        return _("请选择承办部门")
    if name not in known:
        return _("没有“%(d)s”这个部门，请从部门名单中选择") % {"d": name}
    if not staffed.get(known[name].pk):
        return _("“%(d)s”还没有承办人，请先在部门名单中指定") % {"d": name}
    return None


def handler_departments(user) -> list[tuple[str, str]]:
    """(org path, department) pairs where `user` is a department handler."""
    from unionhome.core.scoping import role_grants

    return [(path, dept) for role, path, dept in role_grants(user) if role == Role.HANDLER and dept]


def department_add(*, org: Org, name: str, actor) -> Department:
    ensure_role_over(actor, org)
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("invalid", _("请填写部门名称"), fields={"name": _("必填")})
    if len(name) > Department._meta.get_field("name").max_length:
        raise DomainError("invalid", _("部门名称不超过 50 字"), fields={"name": _("不超过 50 字")})
    try:
        with transaction.atomic():
            department = Department.objects.create(org=org, name=name)
    except IntegrityError:
        raise Conflict(
            "duplicate",
            _("已有这个部门"),
            fields={"name": _("%(org)s 已有“%(name)s”") % {"org": org, "name": name}},
        ) from None
    log_action(department, "members.department.added", actor, {"name": name})
    return department


def department_set_active(department: Department, *, active: bool, actor) -> Department:
    """Retire a department (no new dispatches; what it answered stays) or bring it back."""
    ensure_role_over(actor, department.org)
    department.active = active
    department.save(update_fields=["active"])
    log_action(department, "members.department.restored" if active else "members.department.retired", actor)
    return department


def handler_add(department: Department, *, who: str, actor) -> RoleAssignment:
    """Make the member with this phone number or employee number, in the department's union, one
    of its handlers. A person answers for one department per union."""
    ensure_role_over(actor, department.org)
    who = (who or "").strip()
    enterprise = department.org.enterprise() or department.org
    found = (
        within(Member.objects.select_related("user"), enterprise)
        .filter(Q(phone=who) | Q(employee_no=who), user__isnull=False, user__is_active=True)
        .first()
        if who
        else None
    )
    if found is None:
        raise DomainError(
            "invalid",
            _("没有找到这位会员"),
            fields={"who": _("请填写本单位已注册会员的手机号或工号")},
        )
    current = RoleAssignment.objects.filter(user=found.user, org=department.org, role=Role.HANDLER).first()
    if current is not None and current.department != department.name:
        raise Conflict(
            "taken",
            _("%(name)s 已是“%(dept)s”的承办人") % {"name": found.name, "dept": current.department},
            fields={"who": _("请先从“%(dept)s”移除") % {"dept": current.department}},
        )
    grant = current or RoleAssignment.objects.create(
        user=found.user, org=department.org, role=Role.HANDLER, department=department.name
    )
    log_action(department, "members.department.handler_added", actor, {"member": found.pk})
    return grant


def handler_remove(department: Department, *, user_id: int, actor) -> None:
    ensure_role_over(actor, department.org)
    removed, _count = RoleAssignment.objects.filter(
        user_id=user_id, org=department.org, role=Role.HANDLER, department=department.name
    ).delete()
    if not removed:
        raise NotFound()
    log_action(department, "members.department.handler_removed", actor, {"user": user_id})


def department_get(user, pk: int) -> Department:
    department = scope(Department.objects.select_related("org"), user).filter(pk=pk).first()
    if department is None:
        raise NotFound()
    return department


@dataclass(frozen=True)
class Choice:
    name: str
    staffed: bool

    @property
    def label(self) -> str:
        return self.name if self.staffed else _("%(d)s（暂无承办人）") % {"d": self.name}


def department_choices(org: Org | None) -> list[Choice]:
    """The departments an appeal of `org` can be sent to, for a select box; those without a
    handler say so (the dispatch refuses them)."""
    listed = list(departments_over(org))
    counts = handler_counts(listed)
    choices: dict[str, Choice] = {}
    for d in listed:
        if d.name not in choices or counts[d.pk]:
            choices[d.name] = Choice(d.name, bool(counts[d.pk]))
    return sorted(choices.values(), key=lambda c: c.name)
