"""The fuzzy-match trigram index without GIN's pending list (PostgreSQL; nothing on SQLite).

With `fastupdate` on (GIN's default), a row that becomes edited or approved is added to an
unsorted pending list that every match query reads in full until a vacuum or a 4 MB overflow
merges it: a few thousand edits double the time of a query over a million segments. Off, each
such save inserts its trigrams at once (a few milliseconds) and queries stay as fast as on a
freshly built index. See articles/matches.py.
"""

from django.db import migrations

INDEX = "articles_segment_source_fold_trgm"


def fastupdate_off(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX IF EXISTS {INDEX} SET (fastupdate = off)")
        # What the pending list holds already is merged now, not at the next vacuum.
        schema_editor.execute(
            f"SELECT gin_clean_pending_list(to_regclass('{INDEX}')) "
            f"WHERE to_regclass('{INDEX}') IS NOT NULL"
        )


def fastupdate_on(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX IF EXISTS {INDEX} SET (fastupdate = on)")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_dashboard_indexes"),
    ]

    operations = [
        migrations.RunPython(fastupdate_off, fastupdate_on),
    ]
