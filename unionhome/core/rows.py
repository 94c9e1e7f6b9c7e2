"""Hot reads without the ORM's per-query compile cost.

Building the SQL of a queryset costs several times more than running a simple indexed read
(`bench/profile_requests.py` compares one user read both ways). The few reads that every request
makes (the logged-in user, their membership, the badge counts) are written by hand here, once:
the column list of a model
is built once per model, and a row becomes a model instance through the same converters the ORM
would apply (dates on SQLite, encrypted fields), so the instance behaves exactly as one the ORM
loaded. The same goes for the few rows a hot write adds (`insert`: an appeal, its audit entry,
the member's notice): the INSERT statement of a model is built once. Anything that is not on every
request stays ordinary ORM code.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Model, QuerySet, signals
from django.db.models import fields as plain
from django.db.models.base import ModelState

# Fields whose value goes to the database as it is when it already has the type the field holds
# (their preparation is only a conversion to that type). Looked up by exact class, so a subclass
# with a preparation of its own (an encrypted text field, say) always takes the ORM's path.
_PLAIN_TYPES: dict[type, tuple[type, ...]] = {
    plain.CharField: (str,),
    plain.TextField: (str,),
    plain.BooleanField: (bool,),
    plain.IntegerField: (int,),
    plain.BigIntegerField: (int,),
    plain.SmallIntegerField: (int,),
    plain.PositiveIntegerField: (int,),
    plain.PositiveSmallIntegerField: (int,),
    plain.PositiveBigIntegerField: (int,),
    plain.FloatField: (float,),
    plain.AutoField: (int,),
    plain.BigAutoField: (int,),
    plain.SmallAutoField: (int,),
}
_DATES = (plain.DateField, plain.DateTimeField, plain.TimeField)


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


def _as_is(field) -> tuple[type, ...]:
    """The Python types `field` sends to the database unchanged; () if it always prepares."""
    if field.is_relation:
        return _as_is(field.target_field) if field.many_to_one or field.one_to_one else ()
    types = _PLAIN_TYPES.get(type(field), ())
    if types:
        return (*types, type(None))
    if type(field) in _DATES and not (field.auto_now or field.auto_now_add):
        return (type(None),)  # an empty date is NULL; a date itself is adapted per database
    return ()


@cache
def _insert_plan(
    model: type[Model], vendor: str, read_pk: bool, with_pk: bool = False
) -> tuple[tuple, str, str, str, bool]:
    """(fields, INSERT up to VALUES, one row's placeholders, the one-row statement, whether it
    returns the new key). `with_pk`: the row brings its own key (see `next_id`)."""
    meta = model._meta
    fields = tuple(
        (f, f.attname, _as_is(f))
        for f in meta.concrete_fields
        if not f.generated and (with_pk or f is not meta.auto_field)
    )
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f, _, _ in fields)}) VALUES "  # noqa: S608 — names from the model
    row = f"({', '.join(['%s'] * len(fields))})"
    returning = (
        read_pk
        and not with_pk
        and meta.auto_field is not None
        and connection.features.can_return_columns_from_insert
    )
    sql = head + row + (f" RETURNING {quote(meta.auto_field.column)}" if returning else "")
    return fields, head, row, sql, returning


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


def _params(obj: Model, fields, conn) -> list:
    params = []
    values = obj.__dict__
    for field, attname, as_is in fields:
        value = values.get(attname)
        # A str of a subclass (a choices member, e.g. Status.OPEN) goes as the ORM sends it: as is.
        if type(value) not in as_is and not (isinstance(value, str) and str in as_is):
            value = field.get_db_prep_save(field.pre_save(obj, True), conn)
        params.append(value)
    return params


def _saved_by_orm(model: type[Model]) -> bool:
    meta = model._meta
    return (
        bool(meta.parents) or signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model)
    )


def insert(obj: Model, *, read_pk: bool = True) -> Model:
    """`obj.save(force_insert=True)` for a new row of a plain model, with the statement built once
    per model: defaults, `auto_now_add` and field preparation are the ORM's own (`pre_save`,
    `get_db_prep_save`). A model with save signals or multi-table inheritance is saved by the ORM.
    With `read_pk=False` the new key is not read back (`obj.pk` stays None, unless the ORM saved
    it): in a `pipelined` block such a statement does not wait for its answer. A row that has its
    key already (`next_id`) is written with it."""
    model = type(obj)
    meta = model._meta
    if _saved_by_orm(model):
        obj.save(force_insert=True)
        return obj
    conn = connections[DEFAULT_DB_ALIAS]
    with_pk = meta.auto_field is not None and obj.pk is not None
    fields, _, _, sql, returning = _insert_plan(model, conn.vendor, read_pk, with_pk)
    with conn.cursor() as cursor:
        cursor.execute(sql, _params(obj, fields, conn))
        if read_pk and meta.auto_field is not None and not with_pk:
            if returning:
                pk = cursor.fetchone()[0]
            else:
                pk = conn.ops.last_insert_id(cursor, meta.db_table, meta.auto_field.column)
            for convert in meta.auto_field.get_db_converters(conn):
                pk = convert(pk, meta.auto_field, conn)
            setattr(obj, meta.auto_field.attname, pk)
    return saved(obj, conn.alias)


def saved(obj: Model, alias: str = DEFAULT_DB_ALIAS) -> Model:
    """Mark `obj` as a row the database holds (as `save()` leaves it), after a hand-written write."""
    obj._state.adding = False
    obj._state.db = alias
    return obj


def insert_many(objs: Sequence[Model]) -> None:
    """New rows of one plain model in a single INSERT, as `insert` writes each; their keys are not
    read back."""
    if not objs:
        return
    model = type(objs[0])
    if _saved_by_orm(model):
        for obj in objs:
            obj.save(force_insert=True)
        return
    conn = connections[DEFAULT_DB_ALIAS]
    fields, head, row, _, _ = _insert_plan(model, conn.vendor, False)
    params = []
    for obj in objs:
        if type(obj) is not model:
            raise TypeError(f"insert_many: {type(obj).__name__} among {model.__name__} rows")
        params += _params(obj, fields, conn)
    with conn.cursor() as cursor:
        cursor.execute(head + ", ".join([row] * len(objs)), params)
    for obj in objs:
        saved(obj, conn.alias)


@contextmanager
def pipelined():
    """On PostgreSQL, the block's statements are sent without waiting for each one's answer
    (psycopg's pipeline mode): a statement waits only when its result is read (an INSERT's new
    key, a SELECT's rows), and what is still in flight is answered together at the end of the
    block, in one round trip. An error in a statement that was not waited for is raised there.
    Elsewhere (SQLite answers in process) it changes nothing."""
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor != "postgresql":
        yield
        return
    conn.ensure_connection()
    with conn.wrap_database_errors, conn.connection.pipeline():
        yield


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
    """Run one hand-written write; the number of rows it changed (in a `pipelined` block, not
    known before the block ends: -1)."""
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
