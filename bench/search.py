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

from common import CORPUS, child_env, scratch_database, setup_django

BATCH = 5000
ENGLISH_SHARE = 0.4
ENGLISH_LINES = (
    "Iran said the minister president government talks Tehran week report official country",
    "economy oil price market people city police traffic province road water health team",
    "national league match court parliament budget plan news agency security foreign",
)
ENGLISH_WORDS = [word for line in ENGLISH_LINES for word in line.split()]
RARE_ENGLISH = "zeppelin"  # put into a handful of targets, to time a rare English word
RARE_ENGLISH_COUNT = 12


def _corpus() -> tuple[list[str], list[list[str]]]:
    """Corpus titles, and summaries cut into word lists for recombining."""
    records = json.loads(CORPUS.read_text(encoding="utf-8"))
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


def build(count: int, seed: int) -> None:
    from django.db import connection

    from articles.models import Article, Segment, SegmentKind, SegmentStatus
    from articles.search import build_search_text, rebuild_vocabulary

    rng = random.Random(seed)
    titles, summaries = _corpus()
    rare_at = set(rng.sample(range(count), RARE_ENGLISH_COUNT))
    with connection.cursor() as cursor:
        # Loading then indexing is how a restore runs, and much faster than indexing row by row.
        cursor.execute("DROP INDEX articles_article_search_words")
    for start in range(0, count, BATCH):
        articles, parts = [], []
        for n in range(start, min(start + BATCH, count)):
            title = rng.choice(titles)
            rows = [(title, SegmentKind.TITLE)] + [
                (_sentence(rng, summaries), SegmentKind.BODY) for _ in range(rng.randint(2, 5))
            ]
            english = rng.random() < ENGLISH_SHARE
            targets = [_english(rng) if english else "" for _ in rows]
            if n in rare_at:
                targets[-1] = f"{_english(rng)} The {RARE_ENGLISH} flew over Tehran."
            sources = [text for text, _ in rows]
            articles.append(
                Article(
                    identity=f"{n:064x}",
                    title=title,
                    raw_text="\n\n".join(sources),
                    content_hash=f"{n:064d}",
                    search_text=build_search_text(sources + targets),
                )
            )
            parts.append((rows, targets))
        Article.objects.bulk_create(articles)
        Segment.objects.bulk_create(
            Segment(
                article=article,
                position=position,
                kind=kind,
                paragraph=position,
                source_text=source,
                source_key=Segment.key_for(source),
                target_text=target,
                status=SegmentStatus.EDITED if target else SegmentStatus.EMPTY,
            )
            for article, (rows, targets) in zip(articles, parts, strict=True)
            for position, ((source, kind), target) in enumerate(zip(rows, targets, strict=True))
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE INDEX articles_article_search_words ON articles_article "
            "USING gin (to_tsvector('simple'::regconfig, search_text))"
        )
    rebuild_vocabulary()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


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
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-search-"))
    env = child_env(workdir, ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0")
    with scratch_database("postgres", env, label="search"):
        setup_django(env)
        measure(args)


def measure(args: argparse.Namespace) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    started = time.perf_counter()
    build(args.articles, args.seed)
    print(f"built {args.articles:,} articles in {time.perf_counter() - started:.0f} s")
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("bench", password="x"))
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
    print(f"search over {args.articles:,} articles, postgres, {args.runs} runs per query")
    every = []
    for label, query in queries.items():
        url = f"/api/v1/articles/?q={query}"
        for _ in range(3):
            response = client.get(url)
            assert response.status_code == 200, response.content[:300]
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        every += times
        found = response.json()["count"]
        p90 = statistics.quantiles(times, n=10)[-1]
        print(
            f"  {label:<20} {query!r:<16} {found:>6} found  "
            f"median {statistics.median(times):6.1f} ms  p90 {p90:6.1f} ms"
        )
    median = statistics.median(every)
    p90 = statistics.quantiles(every, n=10)[-1]
    print(f"  overall: median {median:.1f} ms, p90 {p90:.1f} ms")
    print(f"  goal median < 100 ms: {'met' if median < 100 else 'NOT met'}")


if __name__ == "__main__":
    main()
