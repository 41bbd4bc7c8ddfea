"""The sign-up's hot statements: rows written in one round trip, statements prepared once."""

from __future__ import annotations

import functools
import hashlib
import re
import weakref
from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model

Children = Sequence[tuple[str, Sequence[Model]]]
_SIZE = re.compile(r"\(.*\)")

# Per database session (the driver's connection object): the names of the statements it has
# prepared. A new connection starts with none; one that is gone takes its set with it.
_PREPARED: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
_PLACEHOLDER = re.compile(r"%[s%]")


@functools.lru_cache(maxsize=256)
def _prepared_form(sql: str) -> tuple[str, str, int]:
    """The statement's name (from its text), its text with numbered parameters, how many."""
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match.group() == "%%":
            return "%"
        count += 1
        return f"${count}"

    numbered = _PLACEHOLDER.sub(number, sql)
    name = "webinar_" + hashlib.blake2s(sql.encode(), digest_size=10).hexdigest()
    return name, numbered, count


def execute_prepared(
    cursor,
    statements: Sequence[tuple[str, Sequence[Any]]],
    *,
    then: Sequence[tuple[str, Sequence[Any]]] = (),
) -> None:
    """Execute ``statements`` (SQL with ``%s`` placeholders, and its values), in this order and
    in one round trip, each as a prepared statement of the database session (PostgreSQL), and
    after them the statements ``then`` as they are (planned for their values every time).

    PostgreSQL parses and plans a statement every time it is sent; prepared, it parses it once
    per connection and, after five executions, keeps one generic plan for any values. That
    suits a statement whose best plan does not depend on its values (a row by its primary key,
    an insert), and not one that reads rows by a value whose frequency the statistics may not
    know yet (the seats of an event signing up right now: ``signup._lock_and_check``), which
    goes in ``then``. The values are bound here, as for every other statement, so the driver's
    work is the same. A statement is prepared the first time this connection runs it (a round
    trip of its own, once); a prepared statement outlives a rolled-back transaction. This needs
    each connection to be one database session, which Django's connections are (behind a
    pooler, only in its session mode).

    Every placeholder of a prepared statement needs a type the server can infer from where it
    stands (a column, a cast). The cursor's results are those of the statements, in order.
    """
    raw = cursor.db.connection
    prepared = _PREPARED.setdefault(raw, set())
    texts: list[str] = []
    values: list[Any] = []
    for sql, params in statements:
        name, numbered, count = _prepared_form(sql)
        if len(params) != count:
            raise ValueError(f"{count} placeholders, {len(params)} values")
        if name not in prepared:
            cursor.execute(f"PREPARE {name} AS {numbered}")
            prepared.add(name)
        texts.append(f"EXECUTE {name}({', '.join(['%s'] * count)})" if count else f"EXECUTE {name}")
        values.extend(params)
    for sql, params in then:
        texts.append(sql)
        values.extend(params)
    cursor.execute("; ".join(texts), values)


def insert_with_children(parent: Model, children: Children) -> None:
    """INSERT ``parent``, then each group of ``(foreign key name, rows)`` pointing at it.

    On PostgreSQL it is one statement (data-modifying CTEs) where ``save()`` would make one
    round trip per row, each of them time during which a sign-up holds the event's lock. The
    values are those ``save()`` would write (defaults, ``auto_now``, each field's conversion
    for the database); model ``save()`` methods and signals are not called, as with
    ``bulk_create``. Afterwards the objects have their primary keys, as after ``save()``.
    Elsewhere (SQLite) the rows are saved one by one.
    """
    db = connections[DEFAULT_DB_ALIAS]
    groups = [(fk_name, rows) for fk_name, rows in children if rows]
    if db.vendor != "postgresql":
        parent.save(force_insert=True)
        for fk_name, rows in groups:
            for row in rows:
                setattr(row, fk_name, parent)
                row.save(force_insert=True)
        return

    shape = (type(parent), tuple((fk_name, type(rows[0]), len(rows)) for fk_name, rows in groups))
    sql, parent_fields, group_fields = _statement(shape)
    params = [f.get_db_prep_save(f.pre_save(parent, True), db) for f in parent_fields]
    for (_fk_name, rows), fields in zip(groups, group_fields, strict=True):
        for row in rows:
            params.extend(f.get_db_prep_save(f.pre_save(row, True), db) for f in fields)
    with db.cursor() as cursor:
        execute_prepared(cursor, [(sql, params)])
        keys = cursor.fetchone()
    parent.pk = keys[0]
    parent._state.adding = False
    # PostgreSQL returns an INSERT's rows in the order it wrote them, the order of the SELECTs
    # here (Django's bulk_create relies on the same).
    for (fk_name, rows), row_keys in zip(groups, keys[1:], strict=True):
        for row, key in zip(rows, row_keys, strict=True):
            setattr(row, fk_name, parent)
            row.pk = key
            row._state.adding = False


@functools.lru_cache(maxsize=64)
def _statement(shape) -> tuple[str, list[Field], list[list[Field]]]:
    """The statement for one shape (parent model; each group's key, model and row count), the
    fields whose values it takes, in order. Built once: the types of the casts cost more to
    work out than the insert itself."""
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    parent_model, groups = shape

    def written(model: type[Model]) -> list[Field]:
        return [f for f in model._meta.concrete_fields if not (f.primary_key and f.db_returning)]

    def placeholders(fields: list[Field], parent_key: Field | None = None) -> str:
        # Typed, since the values of an INSERT ... SELECT are not typed by their columns; by
        # the type without its size ("varchar", not "varchar(20)"), as a cast to a size cuts a
        # value short where the column refuses it.
        return ", ".join(
            "parent.id" if f is parent_key else f"%s::{_SIZE.sub('', str(f.cast_db_type(db)))}"
            for f in fields
        )

    fields = written(parent_model)
    columns = ", ".join(quote(str(f.column)) for f in fields)
    table, pk = quote(parent_model._meta.db_table), quote(parent_model._meta.pk.column)
    ctes = [
        f"parent AS (INSERT INTO {table} ({columns}) VALUES ({placeholders(fields)}) "  # noqa: S608
        f"RETURNING {pk} AS id)"
    ]
    selects = ["(SELECT id FROM parent)"]
    group_fields = []
    for n, (fk_name, model, count) in enumerate(groups):
        child_fields = written(model)
        parent_key = model._meta.get_field(fk_name)
        group_fields.append([f for f in child_fields if f is not parent_key])
        columns = ", ".join(quote(str(f.column)) for f in child_fields)
        one = f"SELECT {placeholders(child_fields, parent_key)} FROM parent"  # noqa: S608
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        ctes.append(
            f"c{n} AS (INSERT INTO {table} ({columns}) {' UNION ALL '.join([one] * count)} "
            f"RETURNING {pk} AS id)"
        )
        selects.append(f"ARRAY(SELECT id FROM c{n})")  # noqa: S608
    # Only quoted names and placeholders go into the text; the values are parameters.
    return f"WITH {', '.join(ctes)} SELECT {', '.join(selects)}", fields, group_fields
