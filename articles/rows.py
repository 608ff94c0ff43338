"""Rows read and written by statements set out by hand rather than compiled by the ORM: the hot
paths of a save and of reading an article, where compiling the queries cost more than the
database took to run them.

Values go through each field's own conversion both ways (`get_db_prep_save`, the database's
converters), so JSON, dates and foreign keys come and go as the ORM would have them. Like
QuerySet.update(), the writes send no signals.

On PostgreSQL these statements are prepared on each connection (settings: `DB_PREPARE`, on by
default), bound on the server and planned once per connection rather than at every run: their
planning took longer than their execution. They name their columns one by one (`columns()`), so
that a column a migration adds does not change what a prepared statement returns. Reads that do
not depend on each other go together (`read_together`): psycopg's pipeline mode sends them at once
and they run in one transaction, one round trip instead of one each.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Model
from django.db.models.sql import Query

# (model, statement, vendor) -> how its rows become instances, worked out at its first run.
_plans: dict[tuple[type[Model], str, str], tuple] = {}


def columns(model: type[Model], alias: str) -> str:
    """The model's columns in a select list, each named: `alias."id", alias."title", ...`."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


def prepares() -> bool:
    """Whether statements sent through cursor() are kept prepared."""
    options = connection.settings_dict.get("OPTIONS") or {}
    return connection.vendor == "postgresql" and options.get("prepare_threshold") is not None


def cursor() -> CursorWrapper:
    """A cursor binding its parameters on the server, whose statements the connection then keeps
    prepared, where prepares() says so; else the usual one. While queries are logged (DEBUG, a
    test counting them) the usual one too, which logs them with their values."""
    if not prepares() or connection.queries_logged:
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    # What connection.cursor() does, with a cursor of the server-binding class: the ORM's own
    # cursors bind on the client and so are never prepared.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(ServerBindingCursor(connection.connection))


def read(model: type[Model], statement: str, params: Sequence) -> list[Model]:
    """Instances of `model` from a statement selecting its table's columns (`columns()`) and
    perhaps more, which are set on each instance under their column names (as `Model.objects.raw()`
    does, without working out the same mapping at every call)."""
    with cursor() as sent:
        sent.execute(statement, params)
        return _instances(model, statement, sent)


def read_together(*reads: tuple[type[Model], str, Sequence]) -> list[list[Model]]:
    """What read() gives for each (model, statement, params), the statements sent at once on
    PostgreSQL (psycopg's pipeline mode): one round trip to the server for all of them."""
    if not prepares() or connection.queries_logged or len(reads) < 2:
        return [read(*each) for each in reads]
    with ExitStack() as cursors:
        sent = [cursors.enter_context(cursor()) for _ in reads]
        with connection.wrap_database_errors, connection.connection.pipeline():
            for each, (_, statement, params) in zip(sent, reads, strict=True):
                each.execute(statement, params)
        return [
            _instances(model, statement, each)
            for each, (model, statement, _) in zip(sent, reads, strict=True)
        ]


def _instances(model: type[Model], statement: str, sent: CursorWrapper) -> list[Model]:
    rows = sent.fetchall()
    key = (model, statement, connection.vendor)
    plan = _plans.get(key)
    # A table altered meanwhile (a migration run beside this process) is mapped anew.
    if plan is None or plan[0] != _width(sent):
        plan = _plans[key] = _plan(model, [column[0] for column in sent.description])
    _, names, positions, extras, converters = plan
    found = []
    for row in rows:
        values = list(row)
        for position, (functions, expression) in converters:
            for convert in functions:
                values[position] = convert(values[position], expression, connection)
        instance = model.from_db(connection.alias, names, [values[p] for p in positions])
        for name, position in extras:
            setattr(instance, name, values[position])
        found.append(instance)
    return found


def _width(sent: CursorWrapper) -> int:
    """How many columns the statement returned: psycopg's result says so without building its
    description (an object per column, at every read)."""
    result = getattr(sent.cursor, "pgresult", None)
    return result.nfields if result is not None else len(sent.description)


def _plan(model: type[Model], columns: list[str]) -> tuple:
    # from_db() takes the values in the model's field order, which need not be the table's.
    concrete = model._meta.concrete_fields
    where = {column: position for position, column in enumerate(columns)}
    missing = [field.column for field in concrete if field.column not in where]
    if missing:
        raise ValueError(f"{model.__name__} rows without {', '.join(missing)}")
    names = [field.attname for field in concrete]
    positions = [where[field.column] for field in concrete]
    by_column = {field.column: field for field in concrete}
    fields = [by_column.get(column) for column in columns]
    extras = [(column, where[column]) for column in columns if column not in by_column]
    compiler = connection.ops.compiler("SQLCompiler")(Query(model), connection, connection.alias)
    cols = [field.get_col(model._meta.db_table) if field else None for field in fields]
    return len(columns), names, positions, extras, list(compiler.get_converters(cols).items())


def update_versioned(
    model: type[Model], pk: int, version: int, changes: dict, *, also: Model | None = None
) -> bool:
    """Write `changes` to the row if it is still at `version`, and step the version by one;
    whether it was written. `also`, a new row of another model, is inserted if the row was
    written: on PostgreSQL in the same statement, elsewhere right after it."""
    meta = model._meta
    quote = connection.ops.quote_name
    assignments, values = [f"{quote('version')} = {quote('version')} + 1"], []
    for name, value in changes.items():
        field = meta.get_field(name)
        if field.is_relation and isinstance(value, Model):
            value = value.pk
        assignments.append(f"{quote(field.column)} = %s")
        values.append(field.get_db_prep_save(value, connection))
    statement = (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} "
        f"WHERE {quote(meta.pk.column)} = %s AND {quote('version')} = %s"
    )
    values += [pk, version]
    with cursor() as sent:
        if also is not None and connection.vendor == "postgresql":
            table, names, inserted = _insert_parts(also)
            placeholders = ", ".join(["%s"] * len(inserted))
            sent.execute(
                f"WITH written AS ({statement} RETURNING 1) "
                f"INSERT INTO {table} ({names}) SELECT {placeholders} FROM written",
                [*values, *inserted],
            )
            return sent.rowcount == 1
        sent.execute(statement, values)
        written = sent.rowcount == 1
    if written and also is not None:
        insert_row(also)
    return written


def _insert_parts(obj: Model) -> tuple[str, str, list]:
    meta = obj._meta
    quote = connection.ops.quote_name
    fields = [field for field in meta.concrete_fields if field is not meta.pk]
    values = [field.get_db_prep_save(field.pre_save(obj, add=True), connection) for field in fields]
    return quote(meta.db_table), ", ".join(quote(field.column) for field in fields), values


def insert_row(obj: Model) -> None:
    """INSERT a new instance (its primary key left to the database and not read back)."""
    table, names, values = _insert_parts(obj)
    statement = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(values))})"
    with cursor() as sent:
        sent.execute(statement, values)
