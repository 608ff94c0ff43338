"""The article's search words stored as a tsvector beside its search text (PostgreSQL only).

The full-text GIN index was built on the expression `to_tsvector('simple', search_text)`. Whenever
PostgreSQL has to look at a row again — a bitmap too large for `work_mem` keeps only pages, an
index walk checks each article it passes — it parsed the whole text anew: a third of a
millisecond an article, seconds for a word in half of a million articles. A stored column
(generated from the search text, positions stripped: search needs none) is parsed once, when the
text is written, and read back in microseconds; the index is built on it. SQLite has neither.
The column's statistics go further than the default, so the planner knows less common words.
"""

from django.db import migrations

ADD = [
    "ALTER TABLE articles_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
    "(strip(to_tsvector('simple'::regconfig, search_text))) STORED",
    # Kept in the row (compressed if need be), where a scan reads it without a second lookup;
    # the row's long texts, which search no longer reads, go out of line first.
    "ALTER TABLE articles_article ALTER COLUMN search_vector SET STORAGE MAIN",
    "CREATE INDEX articles_article_search_vector ON articles_article USING gin (search_vector)",
    "DROP INDEX IF EXISTS articles_article_search_words",
    # The planner's estimate of how many articles hold a word comes from the most common words
    # ANALYZE keeps (ten per statistics unit): a word beyond the default thousand was taken
    # for 15,000 articles where 2,700 hold it, and its page walked 25,000 articles instead of
    # reading those 2,700 through the index.
    "ALTER TABLE articles_article ALTER COLUMN search_vector SET STATISTICS 1000",
]
REMOVE = [
    "CREATE INDEX IF NOT EXISTS articles_article_search_words ON articles_article "
    "USING gin (to_tsvector('simple'::regconfig, search_text))",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector",
]


def add_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in ADD:
            schema_editor.execute(sql)


def remove_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in REMOVE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_segment_needs_refresh"),
    ]

    operations = [
        migrations.RunPython(add_vector, remove_vector),
    ]
