"""Quality checks stored on each segment, and reviewers' dismissals; the checks of segments that
already have a translation are run once here, in batches."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


BATCH = 2000


def run_checks_on_existing(apps, schema_editor):
    from articles.quality.store import evaluate

    Segment = apps.get_model("articles", "Segment")
    last = 0
    while True:
        batch = list(
            Segment.objects.filter(pk__gt=last)
            .exclude(target_text="")
            .order_by("pk")
            .only("pk", "source_text", "target_text")[:BATCH]
        )
        if not batch:
            return
        for segment in batch:
            fields = evaluate(segment.source_text, segment.target_text)
            segment.checks, segment.failing_checks = fields["checks"], fields["failing_checks"]
        Segment.objects.bulk_update(batch, ["checks", "failing_checks"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_search_word_parts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="segment",
            name="checks",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Failing quality checks of the target, dismissed ones left out: [{check, message, start, end}] (articles/quality).",
            ),
        ),
        migrations.AddField(
            model_name="segment",
            name="failing_checks",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="How many checks fail (each once, however many places it flags)."
            ),
        ),
        migrations.CreateModel(
            name="CheckDismissal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("check_name", models.CharField(max_length=40)),
                (
                    "target_text",
                    models.TextField(help_text="The translation the check was dismissed on."),
                ),
                ("dismissed_at", models.DateTimeField(auto_now=True)),
                (
                    "dismissed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "segment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="dismissals",
                        to="articles.segment",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("segment", "check_name"), name="dismissal_unique_check"
                    )
                ],
            },
        ),
        migrations.RunPython(run_checks_on_existing, migrations.RunPython.noop),
    ]
