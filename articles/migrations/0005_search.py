"""Article.search_text for word search, backfilled; on PostgreSQL the word vocabulary and indexes.

See articles/search.py: a trigram-indexed vocabulary of folded words, and a full-text GIN index on
the articles' folded search text. SQLite needs neither.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

CREATE = [
    "CREATE TABLE articles_searchword (word text PRIMARY KEY)",
    "CREATE INDEX articles_searchword_trgm ON articles_searchword USING gin (word gin_trgm_ops)",
    "CREATE INDEX articles_article_search_words ON articles_article "
    "USING gin (to_tsvector('simple'::regconfig, search_text))",
]
DROP = [
    "DROP INDEX IF EXISTS articles_article_search_words",
    "DROP TABLE IF EXISTS articles_searchword",
]


def backfill(apps, schema_editor):
    from articles.search import build_search_text

    Article = apps.get_model("articles", "Article")
    Segment = apps.get_model("articles", "Segment")
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        texts = {pk: [title] for pk, title in Article.objects.filter(pk__in=chunk).values_list("pk", "title")}
        for article_id, source, target in Segment.objects.filter(article_id__in=chunk).values_list(
            "article_id", "source_text", "target_text"
        ):
            texts[article_id] += (source, target)
        Article.objects.bulk_update(
            [Article(pk=pk, search_text=build_search_text(parts)) for pk, parts in texts.items()],
            ["search_text"],
        )


def create_search_tables(apps, schema_editor):
    from articles.search import rebuild_vocabulary

    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in CREATE:
        schema_editor.execute(sql)
    rebuild_vocabulary()


def drop_search_tables(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0004_post_edit_effort"),
    ]

    operations = [
        # A no-op on databases other than PostgreSQL.
        TrigramExtension(),
        migrations.AddField(
            model_name="article",
            name="search_text",
            field=models.TextField(
                blank=True,
                default="",
                editable=False,
                help_text="Folded words of the title and all segment texts (articles.search).",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_search_tables, drop_search_tables),
    ]
