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
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections
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


def width(model: type[Model]) -> int:
    return len(_plan(model, connection.vendor)[0])


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
def _get_sql(model: type[Model], related: tuple[str, ...], vendor: str) -> str:
    table = model._meta.db_table
    parts = [columns(model, "t")]
    joins = []
    for n, name in enumerate(related):
        field = model._meta.get_field(name)
        other = field.related_model
        parts.append(columns(other, f"r{n}"))
        joins.append(
            f" LEFT JOIN {other._meta.db_table} r{n} ON r{n}.{connection.ops.quote_name(other._meta.pk.column)}"
            f" = t.{connection.ops.quote_name(field.column)}"
        )
    pk = connection.ops.quote_name(model._meta.pk.column)
    return f"SELECT {', '.join(parts)} FROM {table} t{''.join(joins)} WHERE t.{pk} = %s"  # noqa: S608 — names from the models


def get(model: type[Model], pk, related: tuple[str, ...] = ()) -> Model | None:
    """`model.objects.select_related(*related).filter(pk=pk).first()`, for foreign keys of
    `model` itself, without the compile cost."""
    row = fetch_one(_get_sql(model, related, connection.vendor), [pk])
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
    return (*types, type(None)) if types else ()


@cache
def _insert_plan(model: type[Model], vendor: str) -> tuple[tuple, str, bool]:
    meta = model._meta
    fields = tuple(
        (f, f.attname, _as_is(f))
        for f in meta.concrete_fields
        if not f.generated and f is not meta.auto_field
    )
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f, _, _ in fields)})"  # noqa: S608 — names from the model
        f" VALUES ({', '.join(['%s'] * len(fields))})"
    )
    returning = meta.auto_field is not None and connection.features.can_return_columns_from_insert
    if returning:
        sql += f" RETURNING {quote(meta.auto_field.column)}"
    return fields, sql, returning


def insert(obj: Model) -> Model:
    """`obj.save(force_insert=True)` for a new row of a plain model, with the statement built once
    per model: defaults, `auto_now_add` and field preparation are the ORM's own (`pre_save`,
    `get_db_prep_save`). A model with save signals or multi-table inheritance is saved by the ORM."""
    model = type(obj)
    meta = model._meta
    if meta.parents or signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model):
        obj.save(force_insert=True)
        return obj
    conn = connections[DEFAULT_DB_ALIAS]
    fields, sql, returning = _insert_plan(model, conn.vendor)
    params = []
    values = obj.__dict__
    for field, attname, as_is in fields:
        value = values.get(attname)
        if type(value) not in as_is:
            value = field.get_db_prep_save(field.pre_save(obj, True), conn)
        params.append(value)
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        if meta.auto_field is not None:
            if returning:
                pk = cursor.fetchone()[0]
            else:
                pk = conn.ops.last_insert_id(cursor, meta.db_table, meta.auto_field.column)
            for convert in meta.auto_field.get_db_converters(conn):
                pk = convert(pk, meta.auto_field, conn)
            setattr(obj, meta.auto_field.attname, pk)
    obj._state.adding = False
    obj._state.db = conn.alias
    return obj


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
