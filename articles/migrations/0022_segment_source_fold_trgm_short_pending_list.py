"""The fuzzy-match trigram index with a short pending list (PostgreSQL; nothing on SQLite).

Every save rewrites its segment's row (its `updated_at` is indexed), and PostgreSQL then adds the
new row to every index of the table, this one included: without a pending list (migration 0017)
that is about seventy trigram entries put into the index's tree one by one, 97% of what a save
wrote to the write-ahead log (66 KB a save), which every commit waits to be flushed. With GIN's
pending list the entries are appended in one place, and merged into the tree in batches once the
list reaches `gin_pending_list_limit`; at its smallest (64 kB, a few dozen saves) a match query
reads little more than before, unlike the default 4 MB that migration 0017 turned away from.
"""

from importlib import import_module

from django.db import migrations

INDEX = "articles_segment_source_fold_trgm"


def short_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER INDEX IF EXISTS {INDEX} SET (fastupdate = on, gin_pending_list_limit = 64)"
        )


def no_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX IF EXISTS {INDEX} RESET (gin_pending_list_limit)")
    # Back to migration 0017's index: no pending list, what it holds merged now.
    earlier = import_module("articles.migrations.0017_segment_source_fold_trgm_no_pending_list")
    earlier.fastupdate_off(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0021_article_sort_figures"),
    ]

    operations = [
        migrations.RunPython(short_pending_list, no_pending_list),
    ]
