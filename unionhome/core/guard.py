"""The scope guard: while a request is handled, reading an org-scoped model through its manager
fails unless the query came through a door in `core.scoping` (a staff scope, an org in hand, a
member's own records, or a named rule).

An org-scoped model inherits `Scoped`. Its `objects` manager hands out a `ScopedQuerySet` that
remembers which door narrowed it; evaluating one that no door narrowed — iterating, counting,
`get`, `exists`, `update`, `delete` — raises `ScopeError` while the guard is on. So a view or
service that forgets its scope fails its first test instead of showing one union's records to
another. The guard is on for every request (`core.middleware.ScopeGuardMiddleware` and the fast
path) and off for background tasks, commands and migrations, which act for the system.

What stays open, on purpose:
- A record's children reached through the record (`appeal.dispatches.all()`, prefetches): the
  record in hand is the scope. Django's own reads by primary key (saving, deleting, refreshing,
  `core.workflow`'s conditional update) go through the base manager, which is not guarded.
- Uniqueness checks look across every org, as the database constraint does.
- Creating rows: an INSERT shows nothing.
- A guarded queryset used inside another query (`filter(member__in=...)`): the outer query is
  the one evaluated, and it answers to its own scope.
- The admin site, which only an active superuser may open (core.admin), who sees everything.

django-scopes (pretix) does the same with equality scopes set per request; ours are subtrees of
the org tree and differ by who asks (staff, member, handler), so the door is chosen per query.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar

from django.db import models

_guarding: ContextVar[bool] = ContextVar("scope_guard", default=False)


class ScopeError(RuntimeError):
    """An org-scoped model was read, during a request, without a scope."""


@contextlib.contextmanager
def guarded(on: bool = True):
    """Turn the guard on (requests) or off (the system's own work run inside a request: a task
    run at once, the outbox relayed after a commit) for the block."""
    token = _guarding.set(on)
    try:
        yield
    finally:
        _guarding.reset(token)


def system():
    """The block acts for the system, not for whoever made the request."""
    return guarded(False)


def is_guarding() -> bool:
    return _guarding.get()


# A task acts for the system wherever it runs: in the worker, or at once inside the request that
# queued it (HUEY_IMMEDIATE, the outbox relayed after a commit). Registered on the queue in
# core.apps.
def task_starts(task) -> None:
    task._scope_guard = _guarding.set(False)


def task_ends(task, value, exc) -> None:
    token = getattr(task, "_scope_guard", None)
    if token is not None:
        _guarding.reset(token)


class ScopedQuerySet(models.QuerySet):
    _door: str | None = None

    def _clone(self):
        clone = super()._clone()
        clone._door = self._door
        return clone

    def _via(self, door: str) -> ScopedQuerySet:
        """Mark the queryset as narrowed by `door`. Only `core.scoping` calls this."""
        clone = self._chain()
        clone._door = door
        return clone

    def _check(self) -> None:
        if self._door is None and _guarding.get() and not self.query.is_empty():
            raise ScopeError(
                f"{self.model._meta.label} read during a request without a scope: "
                "narrow it with core.scoping (scope, get_scoped, within, above, own, by_rule)."
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._check()
        super()._fetch_all()

    def iterator(self, *args, **kwargs):
        self._check()
        return super().iterator(*args, **kwargs)

    def count(self):
        if self._result_cache is None:
            self._check()
        return super().count()

    def exists(self):
        if self._result_cache is None:
            self._check()
        return super().exists()

    def contains(self, obj):
        if self._result_cache is None:
            self._check()
        return super().contains(obj)

    def aggregate(self, *args, **kwargs):
        self._check()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._check()
        return super().update(**kwargs)

    def delete(self):
        self._check()
        return super().delete()


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    def get_queryset(self):
        qs = super().get_queryset()
        # Django builds a related manager (`appeal.dispatches`) as a subclass of this one, with
        # the record it hangs from as `instance`.
        return qs._via("related") if getattr(self, "instance", None) is not None else qs


class Scoped(models.Model):
    """Base of every org-scoped model: its `objects` is guarded (see the module's docstring)."""

    objects = ScopedManager()

    class Meta:
        abstract = True

    def validate_unique(self, exclude=None):
        with system():
            super().validate_unique(exclude=exclude)

    def validate_constraints(self, exclude=None):
        with system():
            super().validate_constraints(exclude=exclude)
