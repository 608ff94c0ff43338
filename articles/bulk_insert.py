"""Inserting many rows of a model at once: PostgreSQL's COPY, `bulk_create` elsewhere.

Building a multi-row INSERT costs Django and psycopg a few microseconds per value, more than the
server spends storing it; COPY streams the values as they are. Ids, when the caller needs them
(rows that point at these follow), are taken from the table's sequence first.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from operator import attrgetter

from django.db import connection
from django.db.models import JSONField, Model

# Rows per statement where COPY is not available.
BATCH_SIZE = 2000


def insert(objs: list[Model], *, ids: bool = False) -> None:
    """Insert these new instances of one model; with `ids`, each gets its primary key."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
        return
    meta = model._meta
    fields = [field for field in meta.concrete_fields if ids or field is not meta.pk]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    values = [_getter(field) for field in fields]
    with connection.cursor() as cursor:
        if ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(objs)],
            )
            for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = pk
        statement = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        with cursor.cursor.copy(statement) as copy:
            for obj in objs:
                copy.write_row([value(obj) for value in values])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def _getter(field) -> Callable[[Model], object]:
    """How to read a field's database value off an instance about to be inserted."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.pre_save(obj, add=True)
    if isinstance(field, JSONField):
        get = attrgetter(field.attname)
        return lambda obj: json.dumps(get(obj), cls=field.encoder)
    return attrgetter(field.attname)
