"""Rebuild Article.search_text now that the parts of a word written apart are joined.

`articles.search.search_words` joins «می خواهد» into میخواهد and «کتاب ها» into کتابها, so
the three spellings of a word meet. Only an article whose stored text holds one of those parts
as a word of its own can change, so only those are read again (one scan picks them out), in
chunks; on PostgreSQL the new words then go into the search vocabulary.
"""

from django.db import migrations
from django.db.models import Q

CHUNK = 500


def rebuild(apps, schema_editor):
    from articles.search import PREFIX_PARTS, SUFFIX_PARTS, build_search_text, rebuild_vocabulary

    Article = apps.get_model("articles", "Article")
    Segment = apps.get_model("articles", "Segment")
    postgresql = schema_editor.connection.vendor == "postgresql"
    holds_a_part = Q()
    for part in sorted(PREFIX_PARTS | SUFFIX_PARTS):
        holds_a_part |= Q(search_text__contains=f" {part} ")
    ids = list(Article.objects.filter(holds_a_part).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        texts = {
            pk: [title]
            for pk, title in Article.objects.filter(pk__in=chunk).values_list("pk", "title")
        }
        rows = Segment.objects.filter(article_id__in=chunk).order_by("article_id", "position")
        for article_id, source, target in rows.values_list(
            "article_id", "source_text", "target_text"
        ):
            texts[article_id] += (source, target)
        rebuilt = {pk: build_search_text(parts) for pk, parts in texts.items()}
        if postgresql:
            # One UPDATE from two arrays: several times faster than bulk_update's CASE per row.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE articles_article AS article SET search_text = new.text "
                    "FROM unnest(%s::bigint[], %s::text[]) AS new(id, text) "
                    "WHERE article.id = new.id",
                    [list(rebuilt), list(rebuilt.values())],
                )
        else:
            Article.objects.bulk_update(
                [Article(pk=pk, search_text=text) for pk, text in rebuilt.items()],
                ["search_text"],
            )
    if ids and postgresql:
        rebuild_vocabulary()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_segment_mt_confidence"),
    ]

    operations = [
        migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True),
    ]
