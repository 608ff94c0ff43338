#!/usr/bin/env python
"""Fuzzy-match benchmark: `GET /api/v1/segments/{id}/matches/` over up to 1,000,000 segments on
PostgreSQL.

Builds a PostgreSQL database, migrates it, and loads --segments segments (20 an article) with
COPY: Persian sentences recombined from the Hamshahri sample (`BENCH_CORPUS`: the head of one
summary joined to the tail of another; read, never copied into the project), a share of them
(--human-share, 20% by default: a desk edits a minority of what it imports, the rest stays
machine output) edited or approved with an English target. Some sources are respelled (ZWNJ as
space, Arabic ي/ك, Latin digits) as scrapes do. The migrations' indexes on the folded source are
built after the load, then VACUUM ANALYZE, and then --edits machine rows (2,000) are edited one
at a time, as a desk does between two vacuums: they reach the indexes as saves do. It requests
the matches of --runs random segments through Django's test client as a logged-in user, after
a warm-up, and prints p50 and p95. Goal: p95 under 50 ms at 1,000,000 segments.

The database is `newsroom_matches_<pid>`, dropped at the end (`BENCH_PG_URL` overrides the admin
URL), or with --keep NAME a database kept for the next run, which then only measures (migrating
it first, so a new migration's indexes are measured too):

    .venv/bin/python bench/matches.py [--segments 1000000] [--human-share 0.2] [--edits 2000]
        [--runs 300]
    .venv/bin/python bench/matches.py --segments 1000000 --keep NAME
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from common import CORPUS, PG_ADMIN_URL, child_env, manage, pg, scratch_database, setup_django

PER_ARTICLE = 20
# A quick build by default; the goal is measured with --segments 1000000.
DEFAULT_SEGMENTS = 100_000
DEFAULT_HUMAN_SHARE = 0.2
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


def build(count: int, human_share: float, edits: int, seed: int) -> None:
    from django.db import connection

    from articles.matches import MATCHABLE
    from articles.models import SegmentStatus
    from articles.text.normalize import fold

    rng = random.Random(seed)
    summaries = _summaries()
    articles = (count + PER_ARTICLE - 1) // PER_ARTICLE
    with connection.cursor() as cursor:
        # The migrations' indexes on the folded source are built after the load, as they stand.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = 'articles_segment' AND indexdef LIKE '%%source_fold%%'"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(
            "INSERT INTO articles_article (identity, external_id, url, source_language, "
            "target_language, title, raw_text, content_hash, source_format, outlet, status, "
            "created_at, updated_at, mt_error, search_text, sort_approved, sort_edited, "
            "sort_failing_checks) "
            # The list's sort figures (zero here) are not read by the matches endpoint.
            "SELECT lpad(to_hex(n), 64, '0'), '', '', 'fa', 'en', 'bench ' || n, '', "
            "lpad(to_hex(n), 64, '0'), '', '', 20, now(), now(), '', '', 0, 0, 0 "
            "FROM generate_series(1, %s) AS n",
            [articles],
        )
        cursor.execute("SELECT min(id) FROM articles_article")
        first_article = cursor.fetchone()[0]
        human = [int(status) for status in MATCHABLE]
        recent: list[str] = []
        with cursor.copy(
            "COPY articles_segment (article_id, position, kind, paragraph, source_text, "
            "source_key, source_fold, mt_text, mt_model, mt_low_confidence, target_text, checks, "
            "failing_checks, status, version, edit_seconds, updated_at, needs_refresh) FROM STDIN"
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
                        "[]",
                        0,
                        rng.choice(human) if is_human else int(SegmentStatus.MACHINE),
                        1,
                        0,
                        "2026-01-01T00:00:00Z",
                        False,
                    )
                )
        cursor.execute("SET maintenance_work_mem = '512MB'")  # a GIN index builds in memory
        for name, definition in indexes:
            started = time.perf_counter()
            cursor.execute(definition)
            print(f"  {name} built in {time.perf_counter() - started:.0f} s")
        # The visibility map, as autovacuum leaves it.
        cursor.execute("VACUUM ANALYZE articles_segment")
        # Then a day's edits, one save at a time, as they reach the indexes between two vacuums.
        cursor.execute("SELECT min(id), max(id) FROM articles_segment")
        low, high = cursor.fetchone()
        cursor.execute(
            "SELECT id FROM articles_segment WHERE id = ANY(%s) AND status = %s LIMIT %s",
            [
                rng.sample(range(low, high + 1), min(edits * 4, high - low + 1)),
                int(SegmentStatus.MACHINE),
                edits,
            ],
        )
        chosen = [pk for (pk,) in cursor.fetchall()]
        started = time.perf_counter()
        for pk in chosen:
            cursor.execute(
                "UPDATE articles_segment SET status = %s, target_text = target_text || %s, "
                "version = version + 1 WHERE id = %s",
                [rng.choice(human), " (edited)", pk],
            )
        if chosen:
            took = time.perf_counter() - started
            print(
                f"  {len(chosen):,} rows then edited one at a time: "
                f"{took / len(chosen) * 1000:.1f} ms an edit"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=DEFAULT_SEGMENTS)
    parser.add_argument("--human-share", type=float, default=DEFAULT_HUMAN_SHARE)
    parser.add_argument(
        "--edits",
        type=int,
        default=2000,
        help="machine rows edited one at a time after the build and its vacuum",
    )
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep",
        metavar="NAME",
        help="build into PostgreSQL database NAME and keep it; a later run with the same NAME "
        "measures it again without building (--segments and --human-share are then read from it)",
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-matches-"))
    env = child_env(workdir, ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0")
    if not args.keep:
        with scratch_database("postgres", env, label="matches"):
            setup_django(env)
            measure(args, build_first=True)
        return
    import psycopg

    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{args.keep}"
    try:
        psycopg.connect(url.replace("postgres://", "postgresql://", 1)).close()
        fresh = False
    except psycopg.OperationalError:
        pg(f'CREATE DATABASE "{args.keep}"')
        fresh = True
    env["DATABASE_URL"] = url
    manage(env, "migrate", "--noinput", "-v0")  # a kept database follows new migrations
    setup_django(env)
    from articles.models import Segment

    measure(args, build_first=fresh or not Segment.objects.exists())


def measure(args: argparse.Namespace, *, build_first: bool) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from articles.matches import MATCHABLE

    if build_first:
        started = time.perf_counter()
        build(args.segments, args.human_share, args.edits, args.seed)
        print(f"built {args.segments:,} segments in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(id), max(id), count(*), count(*) FILTER (WHERE status = ANY(%s)) "
            "FROM articles_segment",
            [[int(status) for status in MATCHABLE]],
        )
        low, high, args.segments, human = cursor.fetchone()
    print(f"{args.segments:,} segments, {human:,} ({human / args.segments:.0%}) edited or approved")
    client = Client()
    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_superuser": True, "is_staff": True}
    )
    client.force_login(user)
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
