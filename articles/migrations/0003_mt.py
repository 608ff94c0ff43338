import hashlib

from django.db import migrations, models

from articles.text.normalize import fold


def fill_source_keys(apps, schema_editor):
    Segment = apps.get_model("articles", "Segment")
    batch = []
    for segment in Segment.objects.only("id", "source_text").iterator(chunk_size=2000):
        segment.source_key = hashlib.sha256(fold(segment.source_text).encode()).hexdigest()
        batch.append(segment)
        if len(batch) >= 2000:
            Segment.objects.bulk_update(batch, ["source_key"])
            batch = []
    Segment.objects.bulk_update(batch, ["source_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_groups"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="mt_error",
            field=models.TextField(
                blank=True, help_text="Why the last machine translation of this article failed."
            ),
        ),
        migrations.AddField(
            model_name="segment",
            name="source_key",
            field=models.CharField(
                db_index=True,
                default="",
                editable=False,
                help_text="SHA-256 of the folded source text: the translation-memory key.",
                max_length=64,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="importbatch",
            name="translate",
            field=models.BooleanField(
                default=False, help_text="Queue machine translation of the imported articles."
            ),
        ),
        migrations.RunPython(fill_source_keys, migrations.RunPython.noop),
        migrations.CreateModel(
            name="WorkerHeartbeat",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("worker_id", models.CharField(max_length=64, unique=True)),
                ("hostname", models.CharField(blank=True, max_length=255)),
                ("pid", models.PositiveIntegerField(default=0)),
                ("started_at", models.DateTimeField(auto_now_add=True)),
                ("seen_at", models.DateTimeField(db_index=True)),
            ],
        ),
    ]
