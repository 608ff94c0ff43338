"""Segment.source_fold, the folded source text that fuzzy matches compare, filled for existing
rows in batches; on PostgreSQL a trigram GIN index over the rows matches can return (edited or
approved). See articles/matches.py.
"""

from django.db import migrations, models

from articles.text.normalize import fold

BATCH = 2000
# Statuses 20 (edited) and 30 (approved): the only rows a match may offer. Keep in step with
# articles.matches.MATCHABLE.
CREATE_INDEX = (
    "CREATE INDEX IF NOT EXISTS articles_segment_source_fold_trgm ON articles_segment "
    "USING gin (source_fold gin_trgm_ops) WHERE status IN (20, 30)"
)
DROP_INDEX = "DROP INDEX IF EXISTS articles_segment_source_fold_trgm"


def fill_source_fold(apps, schema_editor):
    Segment = apps.get_model("articles", "Segment")
    last = 0
    while True:
        rows = list(
            Segment.objects.filter(pk__gt=last, source_fold="")
            .order_by("pk")
            .values_list("pk", "source_text")[:BATCH]
        )
        if not rows:
            return
        Segment.objects.bulk_update(
            [Segment(pk=pk, source_fold=fold(text)) for pk, text in rows], ["source_fold"]
        )
        last = rows[-1][0]


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_segment_checks"),
    ]

    operations = [
        migrations.AddField(
            model_name="segment",
            name="source_fold",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text=(
                    "The folded source text (fold()): what fuzzy matches compare "
                    "(articles.matches)."
                ),
            ),
        ),
        migrations.RunPython(fill_source_fold, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_index, drop_index),
    ]
