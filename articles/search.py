"""Word search over an article's title, source and target text, through a folded search text.

Each article stores `search_text`: the distinct folded words (`search_words`: `fold_words`, with
the parts of a word written apart joined) of its title and of every segment's source and target,
one space apart and padded with a space at both ends. A query matches when every one of its
folded words occurs in it (inside a longer word too, as before).

On PostgreSQL (migrations 0005 and 0019) a substring scan of 100k texts is too slow, so each
query word is first looked up in the vocabulary of all stored words (`articles_searchword`, with
a trigram index: "هسته" → هسته, هستهای, …) and the articles are then found through a GIN index
on `search_vector`, the search text's words stored as a tsvector. On SQLite, LIKE over
`search_text` suffices.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from articles.text.normalize import fold_words

VOCABULARY = "articles_searchword"
# Shorter words are matched as whole words: "و" or "is" would be inside nearly every article,
# and pg_trgm needs three characters to use its index.
WHOLE_WORD_BELOW = 3
# Beyond this many vocabulary words containing a query word, one LIKE scan is cheaper.
MAX_EXPANSIONS = 500
# Longer "words" are junk (an unbroken string of letters); they are searched by LIKE.
MAX_WORD_LENGTH = 200
# A list whose planner estimate is this many times the count cap is not counted: it says "cap+".
ESTIMATE_MARGIN = 5


# Parts of a Persian word that writers set apart with a space, a ZWNJ or nothing: «می خواهد»,
# «می‌خواهد» and «میخواهد» are one word to search, as are «کتاب ها» and «کتابها». Folded forms.
PREFIX_PARTS = frozenset({"می", "نمی", "بی"})
SUFFIX_PARTS = frozenset(
    {"ها", "های", "هایی", "هایم", "هایت", "هایش", "هایمان", "هایتان", "هایشان", "هاست"}
    | {"تر", "ترین", "تری", "ای", "اند", "ایم", "اید", "اش"}
)
_PERSIAN_LETTER = re.compile("[\u0621-\u06d5]")


def search_words(text: str) -> list[str]:
    """The folded words of `text`, each word's parts joined whatever separated them.

    A prefix part joins the word after it and a suffix part the word before, when both are
    Persian: «نمی دانند» → نمیدانند, «هسته ای» → هستهای. Queries and stored texts both go
    through here, so all three spellings of a word meet.
    """
    words: list[str] = []
    open_prefix = False
    for word in fold_words(text).split():
        after_prefix = open_prefix and _PERSIAN_LETTER.match(word) is not None
        suffix = word in SUFFIX_PARTS and words and _PERSIAN_LETTER.match(words[-1][-1])
        if after_prefix or suffix:
            words[-1] += word
            open_prefix = False
            continue
        words.append(word)
        open_prefix = word in PREFIX_PARTS
    return words


def build_search_text(texts: Iterable[str]) -> str:
    """The stored search text for these texts: distinct folded words in first-seen order."""
    words = dict.fromkeys(word for text in texts for word in search_words(text))
    return f" {' '.join(words)} " if words else ""


def rebuild_vocabulary() -> None:
    """Add every word of every stored search text to the vocabulary (after a bulk load)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {VOCABULARY} (word) SELECT DISTINCT word FROM articles_article, "
            "unnest(string_to_array(btrim(search_text), ' ')) AS word "
            f"WHERE word <> '' AND length(word) <= {MAX_WORD_LENGTH} ON CONFLICT DO NOTHING"
        )


def remember_words(words: list[str]) -> None:
    """Add words of a new search text to the vocabulary (PostgreSQL only)."""
    if connection.vendor != "postgresql" or not words:
        return
    # Sorted, so two transactions adding overlapping words lock them in the same order.
    words = sorted(word for word in set(words) if len(word) <= MAX_WORD_LENGTH)
    # One text, split by the server: an array parameter is quoted word by word on the way.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {VOCABULARY} (word) SELECT unnest(string_to_array(%s, ' ')) "
            "ON CONFLICT DO NOTHING",
            [" ".join(words)],
        )


def _pattern(word: str) -> str:
    return f" {word} " if len(word) < WHOLE_WORD_BELOW else word


def _expansions(word: str) -> list[str] | None:
    """Vocabulary words containing `word`, or None when a LIKE scan is the better plan."""
    if len(word) > MAX_WORD_LENGTH:
        return None
    if len(word) < WHOLE_WORD_BELOW:
        return [word]
    # fold_words leaves only letters and digits: nothing in `word` is special to LIKE.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT word FROM {VOCABULARY} WHERE word LIKE %s LIMIT %s",
            [f"%{word}%", MAX_EXPANSIONS + 1],
        )
        found = [row[0] for row in cursor.fetchall()]
    return None if len(found) > MAX_EXPANSIONS else found


def search_articles(queryset: QuerySet, query: str) -> QuerySet:
    """Articles of `queryset` whose search text holds every word of `query`, in any order."""
    words = list(dict.fromkeys(search_words(query)))
    if connection.vendor != "postgresql":
        # `contains`: both sides are already folded, so no case folding is needed.
        return queryset.filter(Q(*(Q(search_text__contains=_pattern(w)) for w in words)))
    scanned, groups = Q(), []
    for word in words:
        expansions = _expansions(word)
        if expansions is None:
            scanned &= Q(search_text__contains=_pattern(word))
        elif not expansions:
            return queryset.none()
        else:
            groups.append("(" + " | ".join(f"'{term}'" for term in expansions) + ")")
    if groups:
        table = queryset.model._meta.db_table
        # search_vector: the search text's words as a tsvector, stored (migration 0019).
        condition = f"{table}.search_vector @@ to_tsquery('simple'::regconfig, %s)"
        if queryset.query.group_by is None and not queryset.query.annotations:
            # Plain rows (a page of ids): the condition stays in the query, so the planner
            # weighs it with the index's statistics. A word in half the articles walks the
            # newest-first index and stops after a page, checking the stored words of each
            # article it passes; a rare one goes through the GIN index.
            queryset = queryset.filter(
                RawSQL(condition, [" & ".join(groups)], output_field=BooleanField())
            )
        else:
            # OFFSET 0 keeps the subquery apart: pulled up into a query with segment
            # aggregates, the planner may join every segment before it filters the articles.
            matching = RawSQL(
                f"SELECT id FROM {table} WHERE {condition} OFFSET 0", [" & ".join(groups)]
            )
            queryset = queryset.filter(pk__in=matching)
    return queryset.filter(scanned)


def count_cap() -> int:
    """How far a list counts its matches (`ARTICLE_COUNT_CAP`); beyond, it says "10,000+"."""
    return getattr(settings, "ARTICLE_COUNT_CAP", 10_000)


def capped_count(queryset: QuerySet) -> tuple[int, bool]:
    """How many rows `queryset` holds, counting no further than `count_cap()`.

    Returns (count, capped): when capped, there are more than `count` rows. An exact COUNT over
    half a million matches costs seconds; counting up to the cap stops early.
    """
    cap = count_cap()
    limited = queryset.order_by().values("pk")[: cap + 1]
    if connection.vendor != "postgresql":
        return min(found := limited.count(), cap), found > cap
    if _estimated_rows(queryset) >= ESTIMATE_MARGIN * cap:
        # Far beyond the cap by the planner's statistics (for a word in 40% of a million
        # articles it estimated 389,262 where 388,460 match): counting even 10,000 of them would
        # first build the index's bitmap of all 400,000.
        return cap, True
    with transaction.atomic(using=queryset.db), connection.cursor() as cursor:
        # Under a LIMIT the planner may rather walk the table and check article after article,
        # hundreds of thousands for a word in a few percent of them; the GIN index's bitmap
        # finds the matches in milliseconds.
        # Only for this statement.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        found = limited.count()
        cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")
        cursor.execute("SET LOCAL enable_indexscan TO DEFAULT")
    return min(found, cap), found > cap


def _estimated_rows(queryset: QuerySet) -> float:
    """How many rows PostgreSQL's planner expects `queryset` to hold (EXPLAIN, no execution)."""
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])
