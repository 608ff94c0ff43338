#!/usr/bin/env python
"""Search benchmark: `GET /api/v1/articles/?q=…` over 100,000 articles on PostgreSQL.

Builds a fresh PostgreSQL database `newsroom_search_<pid>` (dropped at the end; `BENCH_PG_URL`
overrides the admin URL), migrates it, bulk-inserts --articles articles of a few segments each:
Persian titles and sentences recombined from the Hamshahri sample in ../shared/corpus (read, not
copied), a share of them with English targets. It fills the search text, runs ANALYZE, then
requests the article list through Django's test client as a logged-in user for a set of Persian
and English queries (common word, rare word, two words, no match), --runs times each after a
warm-up, and prints the median and p90 per query and overall. Goal: median under 100 ms.

    .venv/bin/python bench/search.py [--articles 100000] [--runs 20] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from common import CORPUS, PG_ADMIN_URL, child_env, manage, pg, scratch_database, setup_django

CHUNK = 100_000  # articles per INSERT ... SELECT
POOL = 20_000  # recombined Persian sentences the articles draw from
ENGLISH_POOL = 5_000
ENGLISH_SHARE = 0.45
ENGLISH_LINES = (
    "Iran said the minister president government talks Tehran week report official country",
    "economy oil price market people city police traffic province road water health team",
    "national league match court parliament budget plan news agency security foreign",
)
ENGLISH_WORDS = [word for line in ENGLISH_LINES for word in line.split()]
CORPUS_FILE = CORPUS
RARE_ENGLISH = "zeppelin"  # put into a handful of targets, to time a rare English word
RARE_ENGLISH_COUNT = 12


def _corpus() -> tuple[list[str], list[list[str]]]:
    """Corpus titles, and summaries cut into word lists for recombining."""
    records = json.loads(CORPUS_FILE.read_text(encoding="utf-8"))
    titles = [r["title"].strip() for r in records if r.get("title")]
    summaries = [r["summary"].split() for r in records if len(r.get("summary", "").split()) > 6]
    return titles, summaries


def _sentence(rng: random.Random, summaries: list[list[str]]) -> str:
    """The head of one corpus summary joined to the tail of another: new but realistic text."""
    first, second = rng.choice(summaries), rng.choice(summaries)
    cut_a, cut_b = rng.randint(3, len(first) - 1), rng.randint(1, len(second) - 3)
    return " ".join(first[:cut_a] + second[cut_b:])


def _english(rng: random.Random) -> str:
    return " ".join(rng.choices(ENGLISH_WORDS, k=rng.randint(8, 18))).capitalize() + "."


def _pools(rng: random.Random) -> dict[str, list[tuple]]:
    """Rows of the tables the articles are drawn from: titles, Persian and English sentences.

    Each row holds a text, its folded search words, and for Persian its segment key and fold.
    """
    from articles.models import Segment
    from articles.search import search_words
    from articles.text.normalize import fold

    titles, summaries = _corpus()

    def persian(text: str) -> tuple:
        return (text, " ".join(search_words(text)), Segment.key_for(text), fold(text))

    english = [_english(rng) for _ in range(ENGLISH_POOL)]
    return {
        "bench_title": [persian(t) for t in titles],
        "bench_sentence": [persian(_sentence(rng, summaries)) for _ in range(POOL)],
        "bench_english": [(t, " ".join(search_words(t)), "", "") for t in english],
    }


# Picks made in SQL from an article's number n, the same in every statement that makes them:
# how many body rows, which title, which sentences, whether it has English targets.
_HASH = "(hashint8({}) & 2147483647)"
BODIES = "(2 + " + _HASH.format("n * 16") + " %% 4)"
TITLE = _HASH.format("n * 16 + 1") + " %% {titles}"
SENTENCE = _HASH.format("n * 16 + 2 + p") + " %% {sentences}"
ENGLISH_ROW = _HASH.format("n * 16 + 8 + p") + " %% {english}"
HAS_ENGLISH = "(" + _HASH.format("n * 16 + 15") + " %% 1000 < {share})"
# A row with English: edited, one in five approved, one in seven failing a check, a machine
# confidence drawn from 0-1 (what the sorts by progress, checks and confidence order by).
STATUS = (
    "CASE WHEN target = '' THEN 0 WHEN "
    + _HASH.format("n * 16 + 4 + p")
    + " %% 5 = 0 THEN 30 ELSE 20 END"
)
FAILING = (
    "CASE WHEN target <> '' AND " + _HASH.format("n * 16 + 5 + p") + " %% 7 = 0 THEN 1 ELSE 0 END"
)
CONFIDENCE = (
    "CASE WHEN target <> '' THEN (" + _HASH.format("n * 16 + 6 + p") + " %% 1000) / 1000.0 END"
)


def build(count: int, seed: int) -> None:
    """Load `count` articles with INSERT ... SELECT over generate_series: the texts are drawn in
    SQL from small pools of recombined corpus text, so Python never builds a row."""
    from django.db import connection

    from articles.figures import store_figures

    rng = random.Random(seed)
    pools = _pools(rng)
    sizes = {
        "titles": len(pools["bench_title"]),
        "sentences": POOL,
        "english": ENGLISH_POOL,
        "share": int(ENGLISH_SHARE * 1000),
    }
    pick = {
        name: sql.format(**sizes)
        for name, sql in (
            ("bodies", BODIES),
            ("title", TITLE),
            ("sentence", SENTENCE),
            ("english_row", ENGLISH_ROW),
            ("has_english", HAS_ENGLISH),
        )
    }
    with connection.cursor() as cursor:
        for table, rows in pools.items():
            cursor.execute(
                f"CREATE TABLE {table} (i int PRIMARY KEY, text text, words text, "
                "key text, fold text)"
            )
            with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                for i, row in enumerate(rows):
                    copy.write_row((i, *row))
        # Loading then indexing is how a restore runs, and much faster than indexing row by row.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN "
            "('articles_article', 'articles_segment') AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint)"
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        started = time.perf_counter()
        # One row per segment: position 0 is the title, then the body rows.
        rows = f"""
            SELECT n, p,
                   CASE WHEN p = 0 THEN t.text ELSE s.text END AS source,
                   CASE WHEN p = 0 THEN t.words ELSE s.words END AS words,
                   CASE WHEN p = 0 THEN t.key ELSE s.key END AS key,
                   CASE WHEN p = 0 THEN t.fold ELSE s.fold END AS fold,
                   CASE WHEN {pick["has_english"]} THEN e.text ELSE '' END AS target,
                   CASE WHEN {pick["has_english"]} THEN e.words ELSE '' END AS target_words
            FROM generate_series(%(low)s, %(high)s) AS n
            CROSS JOIN LATERAL generate_series(0, {pick["bodies"]}) AS p
            JOIN bench_title t ON t.i = {pick["title"]}
            JOIN bench_sentence s ON s.i = {pick["sentence"]}
            JOIN bench_english e ON e.i = {pick["english_row"]}
        """
        for low in range(1, count + 1, CHUNK):
            bounds = {"low": low, "high": min(low + CHUNK - 1, count)}
            cursor.execute(
                f"""
                INSERT INTO articles_article (id, identity, external_id, url, source_language,
                    target_language, title, raw_text, content_hash, source_format, outlet,
                    status, created_at, updated_at, mt_error, search_text, sort_approved,
                    sort_edited, sort_failing_checks, sort_confidence)
                SELECT n, lpad(to_hex(n), 64, '0'), '', '', 'fa', 'en',
                       min(source) FILTER (WHERE p = 0),
                       string_agg(source, E'\n\n' ORDER BY p), lpad(n::text, 64, '0'), '', '',
                       0, now() - (n / 4) * interval '1 second', now(), '',
                       ' ' || string_agg(words || ' ' || target_words, ' ' ORDER BY p) || ' ',
                       count(*) FILTER (WHERE {STATUS} = 30),
                       count(*) FILTER (WHERE {STATUS} = 20), sum({FAILING}), min({CONFIDENCE})
                FROM ({rows}) AS r GROUP BY n
                """,
                bounds,
            )
            cursor.execute(
                f"""
                INSERT INTO articles_segment (article_id, position, kind, paragraph, source_text,
                    source_key, source_fold, mt_text, mt_model, target_text, status, version,
                    updated_at, edit_seconds, mt_low_confidence, checks, failing_checks,
                    needs_refresh, mt_confidence)
                SELECT n, p, CASE WHEN p = 0 THEN 'title' ELSE 'body' END, p, source, key, fold,
                       '', '', target, {STATUS}, 1, now(), 0, '[]', '[]', {FAILING}, false,
                       {CONFIDENCE}
                FROM ({rows}) AS r
                """,
                bounds,
            )
            done = bounds["high"]
            print(f"  loaded {done:,} articles, {time.perf_counter() - started:.0f} s", flush=True)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('articles_article', 'id'), %s)", [count]
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('articles_segment', 'id'), "
            "(SELECT max(id) FROM articles_segment))"
        )
        # A rare English word in a few articles' last target.
        rare = rng.sample(range(1, count + 1), min(RARE_ENGLISH_COUNT, count))
        cursor.execute(
            "UPDATE articles_segment s SET target_text = target_text || %s, status = 20 "
            "WHERE article_id = ANY(%s) AND position = "
            "(SELECT max(position) FROM articles_segment x WHERE x.article_id = s.article_id)",
            [f" The {RARE_ENGLISH} flew over Tehran.", rare],
        )
        cursor.execute(
            "UPDATE articles_article SET search_text = search_text || %s WHERE id = ANY(%s)",
            [f"{RARE_ENGLISH} flew over tehran ", rare],
        )
        store_figures(rare)
        cursor.execute("SET maintenance_work_mem = '512MB'")  # a GIN index builds in memory
        for name, definition in indexes:
            if name != "articles_segment_source_fold_trgm":  # matches' index: not searched here
                cursor.execute(definition)
        print(f"  indexed, {time.perf_counter() - started:.0f} s", flush=True)
        # The vocabulary is every word of the pools (rebuild_vocabulary would read every text).
        cursor.execute(
            "INSERT INTO articles_searchword (word) SELECT DISTINCT w FROM ("
            "SELECT unnest(string_to_array(words, ' ')) AS w FROM bench_title UNION ALL "
            "SELECT unnest(string_to_array(words, ' ')) FROM bench_sentence UNION ALL "
            "SELECT unnest(string_to_array(words, ' ')) FROM bench_english UNION ALL "
            "SELECT unnest(ARRAY['zeppelin', 'flew', 'over', 'tehran'])) AS v "
            "WHERE w <> '' AND length(w) <= 200 ON CONFLICT DO NOTHING"
        )
        for table in pools:
            cursor.execute(f"DROP TABLE {table}")
        cursor.execute("VACUUM ANALYZE")  # the visibility map, as autovacuum leaves it


def _rare_persian_word() -> str:
    """A word of at least five letters that occurs in exactly one corpus summary."""
    from collections import Counter

    from articles.text.normalize import fold_words

    _, summaries = _corpus()
    counts = Counter(w for words in summaries for w in set(fold_words(" ".join(words)).split()))
    return sorted(
        w for w, c in counts.items() if c == 1 and len(w) >= 5 and "\u0600" <= w[0] <= "\u06ff"
    )[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep",
        metavar="NAME",
        help="build into PostgreSQL database NAME and keep it; a later run with the same NAME "
        "measures it again without building",
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-search-"))
    env = child_env(workdir, ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0")
    if not args.keep:
        with scratch_database("postgres", env, label="search"):
            setup_django(env)
            measure(args, build_first=True)
        return
    import psycopg

    try:
        psycopg.connect(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{args.keep}").close()
        fresh = False
    except psycopg.OperationalError:
        pg(f'CREATE DATABASE "{args.keep}"')
        fresh = True
    env["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{args.keep}"
    if fresh:
        manage(env, "migrate", "--noinput", "-v0")
    setup_django(env)
    from articles.models import Article

    measure(args, build_first=not Article.objects.exists())


def _timed(client, url: str, runs: int) -> tuple[list[float], object]:
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return times, response


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[-1]


def measure(args: argparse.Namespace, *, build_first: bool) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from articles.models import Article

    call_command("collectstatic", interactive=False, verbosity=0)  # the page's static manifest
    if build_first:
        started = time.perf_counter()
        build(args.articles, args.seed)
        print(f"built {args.articles:,} articles in {time.perf_counter() - started:.0f} s")
    total = Article.objects.count()
    client = Client()
    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    client.force_login(user)
    queries = {
        "fa common": "ایران",
        "fa common, Arabic ي": "ايران",
        "fa rare": _rare_persian_word(),
        "fa two words": "رئیس پلیس",
        "fa no match": "زرافه\u200cهای",
        "en common": "minister",
        "en rare": RARE_ENGLISH,
        "en two words": "oil parliament",
        "en no match": "xylophone",
        # The list without a search: what the page itself costs (counts, sorting).
        "no q (baseline)": "",
    }
    print(f"search over {total:,} articles, postgres, {args.runs} runs per query")
    every: dict[str, list[float]] = {"api": [], "page": []}
    for label, query in queries.items():
        # Percent-encoded as a browser sends it: the test client would pass raw UTF-8 on, which
        # a real server refuses and which the next page's link would carry garbled.
        api_times, response = _timed(client, f"/api/v1/articles/?q={quote(query)}", args.runs)
        page_times, _ = _timed(client, f"/articles/?q={quote(query)}", args.runs)
        # The next page, through the API's cursor: as cheap as the first.
        following = response.json()["next"]
        next_times = _timed(client, following, args.runs)[0] if following else []
        every["api"] += api_times + next_times
        every["page"] += page_times
        found = response.json()["count"]
        shown = f"{found:,}" + ("+" if response.headers.get("X-Count-Capped") else "")
        print(
            f"  {label:<20} {query!r:<16} {shown:>8} found  "
            f"API p50 {statistics.median(api_times):6.1f} p95 {_p95(api_times):6.1f} ms"
            + (f" (next page p95 {_p95(next_times):6.1f})" if next_times else "")
            + f"  page p50 {statistics.median(page_times):6.1f} p95 {_p95(page_times):6.1f} ms"
        )
    for name, times in every.items():
        p95 = _p95(times)
        print(
            f"  overall {name}: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms; "
            f"goal p95 < 100 ms: {'met' if p95 < 100 else 'NOT met'}"
        )
    sorts = ("title", "progress", "checks", "confidence")
    for sort in sorts:
        times, _ = _timed(client, f"/articles/?q={quote(queries['fa common'])}&sort={sort}", 3)
        print(f"  page sorted by {sort} (common word): p50 {statistics.median(times):.0f} ms")


if __name__ == "__main__":
    main()
