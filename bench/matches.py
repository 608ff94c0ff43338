#!/usr/bin/env python
"""Fuzzy-match benchmark: `GET /api/v1/segments/{id}/matches/` over 1,000,000 segments on
PostgreSQL.

Builds a fresh PostgreSQL database `newsroom_matches_<pid>` (dropped at the end; `BENCH_PG_URL`
overrides the admin URL), migrates it, and loads --segments segments (20 an article) with COPY:
Persian sentences recombined from the Hamshahri sample in ../shared/corpus (the head of one
summary joined to the tail of another; read, never copied into the project), a share of them
(--human-share) edited or approved with an English target, the rest machine output. Some
sources are respelled (ZWNJ as space, Arabic ي/ك, Latin digits) as scrapes do. The trigram index
is built after the load, then ANALYZE. It then requests the matches of --runs random segments
through Django's test client as a logged-in user, after a warm-up, and prints p50 and p95.
Goal: p95 under 50 ms.

    .venv/bin/python bench/matches.py [--segments 1000000] [--human-share 0.5] [--runs 300]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import tempfile
import time
from importlib import import_module
from pathlib import Path

from common import CORPUS, child_env, scratch_database, setup_django

PER_ARTICLE = 20
ENGLISH_LINE = (
    "the minister said on Monday that the government would review the plan for the province "
    "police traffic roads water health budget parliament Tehran Iran officials reported week"
)
ENGLISH = ENGLISH_LINE.split(" ")


def _summaries() -> list[list[str]]:
    corpus = CORPUS
    records = json.loads(corpus.read_text(encoding="utf-8"))
    return [r["summary"].split() for r in records if len(r.get("summary", "").split()) > 6]


def _sentence(rng: random.Random, summaries: list[list[str]]) -> str:
    """The head of one corpus summary joined to the tail of another: new but realistic text."""
    first, second = rng.choice(summaries), rng.choice(summaries)
    cut_a, cut_b = rng.randint(3, len(first) - 1), rng.randint(1, len(second) - 3)
    return " ".join(first[:cut_a] + second[cut_b:])


def _respell(rng: random.Random, text: str) -> str:
    """A scrape's spelling of the same text: ZWNJ as space, Arabic letters, Latin digits."""
    choice = rng.random()
    if choice < 0.4:
        return text.replace("\u200c", " ")
    if choice < 0.7:
        return text.replace("ی", "ي").replace("ک", "ك")
    return text.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))


def build(count: int, human_share: float, seed: int) -> None:
    from django.db import connection

    from articles.matches import MATCHABLE
    from articles.models import SegmentStatus
    from articles.text.normalize import fold

    index_sql = import_module("articles.migrations.0012_segment_source_fold").CREATE_INDEX
    rng = random.Random(seed)
    summaries = _summaries()
    articles = (count + PER_ARTICLE - 1) // PER_ARTICLE
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX articles_segment_source_fold_trgm")
        cursor.execute(
            "INSERT INTO articles_article (identity, external_id, url, source_language, "
            "target_language, title, raw_text, content_hash, source_format, outlet, status, "
            "created_at, updated_at, mt_error, search_text) "
            "SELECT lpad(to_hex(n), 64, '0'), '', '', 'fa', 'en', 'bench ' || n, '', "
            "lpad(to_hex(n), 64, '0'), '', '', 20, now(), now(), '', '' "
            "FROM generate_series(1, %s) AS n",
            [articles],
        )
        cursor.execute("SELECT min(id) FROM articles_article")
        first_article = cursor.fetchone()[0]
        human = [int(status) for status in MATCHABLE]
        recent: list[str] = []
        with cursor.copy(
            "COPY articles_segment (article_id, position, kind, paragraph, source_text, "
            "source_key, source_fold, mt_text, mt_model, mt_low_confidence, target_text, status, "
            "version, edit_seconds, updated_at) FROM STDIN"
        ) as copy:
            for n in range(count):
                # Now and then a sentence met before, respelled: what matches must see through.
                if recent and rng.random() < 0.05:
                    source = _respell(rng, rng.choice(recent))
                else:
                    source = _sentence(rng, summaries)
                    if len(recent) < 10_000:
                        recent.append(source)
                    else:
                        recent[rng.randrange(len(recent))] = source
                folded = fold(source)
                english = " ".join(rng.choices(ENGLISH, k=rng.randint(8, 20))).capitalize()
                is_human = rng.random() < human_share
                copy.write_row(
                    (
                        first_article + n // PER_ARTICLE,
                        n % PER_ARTICLE,
                        "body",
                        n % PER_ARTICLE,
                        source,
                        hashlib.sha256(folded.encode()).hexdigest(),
                        folded,
                        english,
                        "bench",
                        "[]",
                        english + (" (edited)" if is_human else ""),
                        rng.choice(human) if is_human else int(SegmentStatus.MACHINE),
                        1,
                        0,
                        "2026-01-01T00:00:00Z",
                    )
                )
        started = time.perf_counter()
        cursor.execute(index_sql)
        print(f"  trigram index built in {time.perf_counter() - started:.0f} s")
        cursor.execute("ANALYZE articles_segment")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=1_000_000)
    parser.add_argument("--human-share", type=float, default=0.5)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-matches-"))
    env = child_env(workdir, ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0")
    with scratch_database("postgres", env, label="matches"):
        setup_django(env)
        measure(args)


def measure(args: argparse.Namespace) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    started = time.perf_counter()
    build(args.segments, args.human_share, args.seed)
    print(
        f"built {args.segments:,} segments ({args.human_share:.0%} edited or approved) "
        f"in {time.perf_counter() - started:.0f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM articles_segment")
        low, high = cursor.fetchone()
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("bench", password="x"))
    rng = random.Random(args.seed + 1)
    for _ in range(10):
        assert client.get(f"/api/v1/segments/{rng.randint(low, high)}/matches/").status_code == 200
    times, found = [], []
    for _ in range(args.runs):
        url = f"/api/v1/segments/{rng.randint(low, high)}/matches/"
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:300]
        found.append(len(response.json()))
    p50 = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[-1]
    print(
        f"matches over {args.segments:,} segments, postgres, {args.runs} random segments: "
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(times):.1f} ms; "
        f"{sum(found) / len(found):.1f} matches a request, {found.count(0)} with none"
    )
    print(f"  goal p95 < 50 ms: {'met' if p95 < 50 else 'NOT met'}")


if __name__ == "__main__":
    main()
