"""Inserting many rows of a model at once: PostgreSQL's COPY, `bulk_create` elsewhere.

Building a multi-row INSERT costs Django and psycopg a few microseconds per value, more than the
server spends storing it; COPY streams the values as they are. Ids, when the caller needs them
(rows that point at these follow), are taken from the table's sequence first.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import connection
from django.db.models import Field, JSONField, Model
from django.utils import timezone

# Rows per statement where COPY is not available.
BATCH_SIZE = 2000


def _new_ids(cursor, meta, count: int) -> list[int]:
    """`count` primary keys taken from the table's sequence, for rows about to be copied in."""
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [meta.db_table, meta.pk.column, count],
    )
    return [pk for (pk,) in cursor.fetchall()]


def _copy_statement(meta, fields) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    return f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"


def insert_values(
    model: type[Model], names: Sequence[str], rows: list[Sequence], *, ids: bool = False
) -> list[int]:
    """Insert rows of `model` given as the values of the fields `names` (attribute names:
    `article_id`), in that order, every other field at its default (`auto_now` ones: now).
    With `ids`, the new primary keys in the rows' order.

    No instance is built on PostgreSQL: for the many small rows of an import.
    """
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(names, row, strict=True))) for row in rows]
        model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
        return [obj.pk for obj in objs]
    meta = model._meta
    by_name = {field.attname: field for field in meta.concrete_fields}
    given = [by_name[name] for name in names]
    now = timezone.now()
    rest = [field for field in meta.concrete_fields if field not in given and field is not meta.pk]
    defaults = [_default(field, now) for field in rest]
    as_json = [(at, f.encoder) for at, f in enumerate(given) if isinstance(f, JSONField)]
    fields = [meta.pk] * ids + given + rest
    with connection.cursor() as cursor:
        pks = _new_ids(cursor, meta, len(rows)) if ids else []
        with cursor.cursor.copy(_copy_statement(meta, fields)) as copy:
            for at, row in enumerate(rows):
                values = [*pks[at : at + 1], *row, *defaults]
                for column, encoder in as_json:
                    values[ids + column] = json.dumps(values[ids + column], cls=encoder)
                copy.write_row(values)
    return pks


def update_rows(objs: list[Model], names: Sequence[str]) -> None:
    """Write these fields of these stored instances: one plain UPDATE a row, sent together.

    `bulk_update` builds one statement of a CASE expression a field, which for long texts costs
    Django and psycopg more than the server spends on the rows.
    """
    if not objs:
        return
    meta = type(objs[0])._meta
    fields = [meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    where = f"{quote(meta.pk.column)} = %s"
    statement = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {where}"
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields]
        + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(statement, rows)


def _default(field: Field, now) -> object:
    """The value a new row takes for a field it does not give, as COPY writes it."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    value = field.get_default()
    return json.dumps(value, cls=field.encoder) if isinstance(field, JSONField) else value
