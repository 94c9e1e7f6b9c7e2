"""Hot reads without the ORM's per-query compile cost.

Building the SQL of a queryset costs several times more than running a simple indexed read
(`bench/profile_requests.py` compares one user read both ways). The few reads that every request
makes (the logged-in user, their membership, the badge counts) are written by hand here, once:
the column list of a model
is built once per model, and a row becomes a model instance through the same converters the ORM
would apply (dates on SQLite, encrypted fields), so the instance behaves exactly as one the ORM
loaded. Writes are the ORM's (`save()` and what a model's own `save` adds are never skipped), but
for the one a benchmark holds to a member-facing target: an offer's claim in its opening second,
one hand-written statement (activities.offers), marked saved here (`saved`), which refuses a model
that overrides `save()`. Anything that is not on every request stays ordinary ORM code.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Model, QuerySet, signals
from django.db.models.base import ModelState


@cache
def _plan(model: type[Model], vendor: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple]:
    fields = model._meta.concrete_fields
    converters = []
    for index, field in enumerate(fields):
        col = field.get_col(model._meta.db_table)
        funcs = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        if funcs:
            converters.append((index, col, tuple(funcs)))
    return (
        tuple(connection.ops.quote_name(f.column) for f in fields),
        tuple(f.attname for f in fields),
        tuple(converters),
    )


def columns(model: type[Model], alias: str) -> str:
    """`alias."id", alias."name", …`: every concrete column, in the order `instance` reads them."""
    names, _, _ = _plan(model, connection.vendor)
    return ", ".join(f"{alias}.{name}" for name in names)


@cache
def width(model: type[Model]) -> int:
    """How many columns of a row `columns` lays out for `model`: one per concrete field."""
    return len(model._meta.concrete_fields)


def instance(model: type[Model], row: Sequence, start: int = 0) -> Model | None:
    """The instance held in `row[start:start + width(model)]`, or None when its primary key is
    NULL (the empty side of a LEFT JOIN)."""
    conn = connections[DEFAULT_DB_ALIAS]  # once, not through the proxy on every field
    _, attnames, converters = _plan(model, conn.vendor)
    values = list(row[start : start + len(attnames)])
    if values[0] is None:
        return None
    for index, col, funcs in converters:
        value = values[index]
        for func in funcs:
            value = func(value, col, conn)
        values[index] = value
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return model.from_db(conn.alias, attnames, values)
    # What Model.__init__ does for a full row from the database, without its per-field loop.
    obj = model.__new__(model)
    obj.__dict__.update(zip(attnames, values, strict=True))
    obj._state = ModelState()
    obj._state.adding = False
    obj._state.db = conn.alias
    return obj


@cache
def _get_sql(
    model: type[Model],
    related: tuple[str, ...],
    vendor: str,
    children: type[Model] | None = None,
    link: str = "",
    order: str = "",
) -> str:
    table = model._meta.db_table
    quote = connection.ops.quote_name
    parts = [columns(model, "t")]
    joins = []
    for n, name in enumerate(related):
        field = model._meta.get_field(name)
        other = field.related_model
        parts.append(columns(other, f"r{n}"))
        joins.append(
            f" LEFT JOIN {other._meta.db_table} r{n} ON r{n}.{quote(other._meta.pk.column)} = t.{quote(field.column)}"
        )
    if children is not None:
        parts.append(columns(children, "c"))
        joins.append(f" LEFT JOIN {children._meta.db_table} c ON {link}")
    sql = f"SELECT {', '.join(parts)} FROM {table} t{''.join(joins)} WHERE t.{quote(model._meta.pk.column)} = %s"  # noqa: S608 — names from the models
    return sql + (f" ORDER BY {order}" if order else "")


def get(model: type[Model], pk, related: tuple[str, ...] = ()) -> Model | None:
    """`model.objects.select_related(*related).filter(pk=pk).first()`, for foreign keys of
    `model` itself, without the compile cost."""
    return got(model, fetch_one(_get_sql(model, related, connection.vendor), [pk]), related)


def get_with_children(
    model: type[Model],
    pk,
    related: tuple[str, ...],
    children: type[Model],
    link: tuple[str, Sequence],
    order: str,
) -> tuple[Model | None, list[tuple]]:
    """`get`, and in the same statement the rows of `children` that `link` selects (an SQL
    condition on the child as `c`, with its parameters), in `order`: a record and its timeline in
    one round trip. The children come as rows of their model's columns (see `instance`)."""
    condition, params = link
    found = fetch_all(_get_sql(model, related, connection.vendor, children, condition, order), [*params, pk])
    if not found:
        return None, []
    at = width(model) + sum(width(model._meta.get_field(name).related_model) for name in related)
    return got(model, found[0], related), [row[at:] for row in found if row[at] is not None]


def got(model: type[Model], row: Sequence | None, related: tuple[str, ...] = ()) -> Model | None:
    """The instance a row of `get`'s statement holds, with its related rows."""
    if row is None:
        return None
    obj = instance(model, row)
    at = width(model)
    for name in related:
        other = model._meta.get_field(name).related_model
        setattr(obj, name, instance(other, row, at))
        at += width(other)
    return obj


def next_id(model: type[Model]) -> int:
    """The key the database gives `model`'s next row, taken now, so that a row with a column
    made from its own key (an appeal's number) is written by one INSERT rather than an INSERT
    and an UPDATE. PostgreSQL: the next value of the key's sequence. SQLite: one more than the
    largest key the table has ever had (what AUTOINCREMENT gives), read under the write lock
    that every transaction here takes at its start (`transaction_mode` IMMEDIATE), so only
    inside a transaction; the INSERT must follow in that transaction."""
    meta = model._meta
    if connection.vendor == "postgresql":
        return fetch_one("SELECT nextval(%s)", [_sequence(model)])[0]
    if not connection.in_atomic_block:
        raise RuntimeError("rows.next_id on SQLite needs the write lock of a transaction")
    found = fetch_one("SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table])
    return (found[0] if found else 0) + 1


@cache
def _sequence(model: type[Model]) -> str:
    meta = model._meta
    return fetch_one("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])[0]


def saved(obj: Model, alias: str = DEFAULT_DB_ALIAS) -> Model:
    """Mark `obj` as a row the database holds (as `save()` leaves it), after a hand-written write.
    A model that overrides `save()` is refused: the hand-written write skipped what it adds."""
    if type(obj).save is not Model.save:
        raise TypeError(f"{type(obj).__name__} overrides save(): write it with the ORM")
    obj._state.adding = False
    obj._state.db = alias
    return obj


@contextmanager
def custom_plans():
    """On PostgreSQL, plan each statement of the block for its own values. A statement run five
    times on a connection is prepared (settings: `prepare_threshold`), and PostgreSQL may then
    use one generic plan for every value; for a big aggregate over an org's subtree the generic
    plan cannot see how much of the tree the path takes, and it ran four times slower than the
    plan made for the path (docs/benchmarks.md, the figures at a district's scale)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('plan_cache_mode'), set_config('plan_cache_mode', 'force_custom_plan', true)"
        )
        before = cursor.fetchone()[0]
        yield
        # Back to what it was: inside a longer transaction the setting would otherwise last to its end.
        cursor.execute("SELECT set_config('plan_cache_mode', %s, true)", [before])


BULK_LOAD_MIN = 1000  # rows: below this, autovacuum's own analyze keeps up


def after_bulk_load(written: int, *models: type[Model]) -> None:
    """After a bulk write of `written` rows into the tables of `models`: on PostgreSQL, once the
    transaction commits, refresh the planner's statistics of each table that has none yet or has
    grown by as much as the planner believes it holds (autovacuum does it too, but up to a minute
    later, and the statistics of a table half its size serve). Without statistics the planner
    guesses: a lookup of a thousand event ids was taken
    to match the whole table, and on a new union's first feed the duplicate check of each 10,000
    events became a scan of the whole event table, five times slower (docs/benchmarks.md,
    attendance in)."""
    if connection.vendor != "postgresql" or written < BULK_LOAD_MIN:
        return

    def analyze():
        quote = connection.ops.quote_name
        for model in models:
            table = model._meta.db_table
            believed = fetch_one("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])[0]
            if believed <= 0 or written >= believed:  # -1: never analysed, 0: analysed empty
                execute(f"ANALYZE {quote(table)}", [])

    transaction.on_commit(analyze)


@contextmanager
def alone():
    """A block of one statement that is its own transaction: in autocommit it runs as it is (one
    round trip, committed when it ends, nothing held between statements); inside an `atomic`
    block it runs under a savepoint, so an error in it leaves the outer block usable."""
    if connection.in_atomic_block:
        with transaction.atomic():
            yield
    else:
        yield


def execute(sql: str, params: Sequence) -> int:
    """Run one hand-written write; the number of rows it changed."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def fetch_one(sql: str, params: Sequence) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def fetch_all(sql: str, params: Sequence) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def attach_prefetched(obj: Model, name: str, items: list[Model]) -> None:
    """Make `obj.<name>.all()` answer from `items` without a query, as `prefetch_related` does."""
    related = obj._meta.get_field(name).related_model
    qs = QuerySet(model=related)  # never run: it only holds the rows
    qs._result_cache = items
    qs._prefetch_done = True
    obj.__dict__.setdefault("_prefetched_objects_cache", {})[name] = qs
