#!/usr/bin/env python
"""Dashboard benchmark: the stats queries (articles/dashboard/queries.py) on a big PostgreSQL desk.

Builds, once, a PostgreSQL database `newsroom_stats_<segments>` (BENCH_PG_URL names the server)
holding --segments segments in articles of 25 (three outlets in eight, 180 days of imports,
statuses from new to approved), the MT revision of every translated segment and one or two human
saves of each edited one (words changed, seconds), all written with INSERT ... SELECT
generate_series. A later run with the same --segments reuses it (--rebuild builds it again,
--drop removes it at the end). Each query then runs --runs times after a warm-up (the first
brings the rollup of past days' saves up to date), and the median (p50) and p95 are printed per
query; then the time to roll up every save (the first look, or after a change of TIME_ZONE)
and to roll up one more day. Goal: every query under 200 ms at 1,000,000 segments.

    .venv/bin/python bench/stats.py                     # 20,000 segments: a quick smoke run
    .venv/bin/python bench/stats.py --segments 1000000  # the figure in README
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from common import PG_ADMIN_URL, child_env, manage, pg, setup_django

SEGMENTS_PER_ARTICLE = 25
DAYS = 180
OUTLETS = ("IRNA", "ISNA", "Hamshahri", "Mehr", "Tasnim", "Fars", "ILNA", "Khabaronline")
EDITORS, REVIEWERS = 20, 4

# An article's status from its id: a tenth new, a fifth translated, two fifths in review, the
# rest approved; its import time from its id too: in id order, as imports come, over DAYS days.
ARTICLE_STATUS = (
    "(CASE WHEN {a} % 10 = 0 THEN 0 WHEN {a} % 10 < 3 THEN 20 WHEN {a} % 10 < 7 THEN 30"
    " ELSE 40 END)"
)
IMPORTED = "(now() - ({n} - {a})::float8 * {seconds} / {n} * interval '1 second')"


def _article_sql(articles: int) -> str:
    status = ARTICLE_STATUS.format(a="i")
    imported = IMPORTED.format(a="i", n=articles, seconds=DAYS * 86400)
    outlets = "ARRAY[" + ",".join(f"'{o}'" for o in OUTLETS) + "]"
    # The list's sort figures are left at zero: the dashboard does not read them.
    return f"""
    INSERT INTO articles_article (identity, external_id, url, source_language, target_language,
        title, raw_text, content_hash, source_format, outlet, status, created_at, updated_at,
        mt_error, search_text, sort_approved, sort_edited, sort_failing_checks)
    SELECT md5(i::text) || md5('a' || i::text), '', '', 'fa', 'en', 'گزارش شماره ' || i,
        'گزارش شماره ' || i, md5('c' || i::text) || md5('d' || i::text), 'json',
        ({outlets})[1 + (i * 3 % 8)], {status}, {imported}, {imported}, '', '', 0, 0, 0
    FROM generate_series(1, {articles}) AS i
    """


def _segment_sql(segments: int, editors: list[int], reviewers: list[int]) -> str:
    a = f"((i - 1) / {SEGMENTS_PER_ARTICLE} + 1)"
    articles = -(-segments // SEGMENTS_PER_ARTICLE)
    article_status = ARTICLE_STATUS.format(a=a)
    # new: empty; translated: machine; in review: a third each machine, edited, approved.
    status = f"""(CASE {article_status} WHEN 0 THEN 0 WHEN 20 THEN 10 WHEN 40 THEN 30
        ELSE (ARRAY[10, 20, 30])[1 + i % 3] END)"""
    editor = f"(ARRAY{editors})[1 + i % {len(editors)}]"
    reviewer = f"(ARRAY{reviewers})[1 + i % {len(reviewers)}]"
    imported = IMPORTED.format(a=a, n=articles, seconds=DAYS * 86400)
    worked = f"LEAST(now(), {imported} + (i % 4) * interval '1 day' + (i % 7) * interval '1 hour')"
    return f"""
    INSERT INTO articles_segment (position, kind, paragraph, source_text, mt_text, mt_model,
        target_text, status, version, updated_at, article_id, updated_by_id, source_key,
        edit_distance, edit_seconds, mt_low_confidence, checks, failing_checks, source_fold,
        needs_refresh)
    SELECT (i - 1) % {SEGMENTS_PER_ARTICLE}, 'body', 0, 'جمله شماره ' || i,
        CASE WHEN s >= 10 THEN 'the sentence number ' || i ELSE '' END, 'bench',
        CASE WHEN s >= 10 THEN 'the sentence ' || i ELSE '' END, s,
        CASE WHEN s >= 20 THEN 3 ELSE 1 END, {worked}, {a},
        CASE WHEN s = 30 THEN {reviewer} WHEN s = 20 THEN {editor} END,
        md5('k' || i::text) || md5('l' || i::text),
        CASE WHEN s >= 20 AND i % 5 <> 0 THEN (i * 31) % 15 END,
        CASE WHEN s >= 20 AND i % 5 <> 0 THEN 3 + (i * 17) % 300 ELSE 0 END,
        '[]', '[]', 0, 'جمله شماره ' || i, false
    FROM (SELECT i, {status} AS s FROM generate_series(1, {segments}) AS i) AS numbered
    """


def _revision_sql(editors: list[int]) -> list[str]:
    editor = f"(ARRAY{editors})[1 + s.id % {len(editors)}]"
    return [
        """
        INSERT INTO articles_revision (text, origin, version, created_at, author_id, segment_id,
            edit_seconds, words_changed)
        SELECT s.mt_text, 'mt', 1, s.updated_at - interval '1 day', NULL, s.id, 0, NULL
        FROM articles_segment s WHERE s.status >= 10 ORDER BY s.updated_at
        """,
        f"""
        INSERT INTO articles_revision (text, origin, version, created_at, author_id, segment_id,
            edit_seconds, words_changed)
        SELECT s.target_text, 'human', 1 + k, s.updated_at - (2 - k) * interval '1 hour',
            {editor}, s.id, s.edit_seconds / 2, s.edit_distance / k
        FROM articles_segment s, generate_series(1, 2) AS k
        WHERE s.edit_distance IS NOT NULL AND (k = 1 OR s.id % 2 = 0)
        ORDER BY s.updated_at, k
        """,
    ]


def _exists(name: str) -> bool:
    import psycopg

    url = PG_ADMIN_URL.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def build(segments: int) -> None:
    """Fill the migrated, empty database Django is set up on."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    User = get_user_model()
    editors = [User.objects.create(username=f"editor{n}").pk for n in range(EDITORS)]
    reviewers = [User.objects.create(username=f"reviewer{n}").pk for n in range(REVIEWERS)]
    articles = -(-segments // SEGMENTS_PER_ARTICLE)
    steps = [
        ("articles", _article_sql(articles)),
        ("segments", _segment_sql(segments, editors, reviewers)),
        *(("revisions", sql) for sql in _revision_sql(editors)),
        ("vacuum", "VACUUM ANALYZE"),
    ]
    with connection.cursor() as cursor:
        for label, sql in steps:
            start = time.perf_counter()
            cursor.execute(sql)
            print(f"  {label}: {time.perf_counter() - start:.1f} s", flush=True)


def queries():
    from django.utils import timezone

    from articles.dashboard.charts import Dashboard
    from articles.dashboard.period import Period
    from articles.dashboard.queries import (
        effort_distribution,
        queue_by_status,
        slowest_in_review,
        stats_rows,
    )

    today = timezone.localdate()
    month = Period(today - timedelta(days=29), today)
    irna = Period(month.start, month.end, "IRNA")
    return {
        "stats by day, 30 days": lambda: stats_rows(month, "day"),
        "stats by editor, 30 days": lambda: stats_rows(month, "editor"),
        "stats by outlet, 30 days": lambda: stats_rows(month, "outlet"),
        "stats by day, one outlet, 30 days": lambda: stats_rows(irna, "day"),
        "effort distribution, 30 days": lambda: effort_distribution(month),
        "queue by status": lambda: queue_by_status(Period()),
        "slowest in review": lambda: slowest_in_review(Period()),
        "stats by day, all time": lambda: stats_rows(Period(), "day"),
        "stats by editor, all time": lambda: stats_rows(Period(), "editor"),
        "dashboard page, every chart, 30 days": lambda: Dashboard(month).charts(),
    }


def rebuild_rollup() -> None:
    """Time the rollup's repairs: every save rolled up again, then the last day rolled again."""
    from articles.dashboard import rollup
    from articles.dashboard.models import SaveRollup

    for label, undo in (
        ("rollup built again, every save", SaveRollup.objects.all().delete),
        ("rollup of one more day", _one_day_back),
    ):
        undo()
        start = time.perf_counter()
        rollup.ensure()
        print(f"{label:<40} {(time.perf_counter() - start) * 1000:>8.1f} (once)", flush=True)


def _one_day_back() -> None:
    from articles.dashboard.models import SaveDay, SaveRollup

    state = SaveRollup.objects.get()
    SaveDay.objects.filter(day=state.through).delete()
    SaveRollup.objects.update(through=state.through - timedelta(days=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--segments", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args()

    name = f"newsroom_stats_{args.segments}"
    env = child_env(Path(tempfile.mkdtemp(prefix="bench-stats-")))
    env["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    fresh = args.rebuild or not _exists(name)
    if fresh:
        pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        pg(f'CREATE DATABASE "{name}"')
    manage(env, "migrate", "--noinput", "-v0")
    setup_django(env)
    from django.db import connections

    from articles.models import Revision, Segment

    if fresh:
        print(f"building {name}: {args.segments:,} segments", flush=True)
        build(args.segments)
    else:
        print(f"reusing {name} (--rebuild builds it again)")
    print(
        f"{Segment.objects.count():,} segments, {Revision.objects.count():,} revisions "
        f"({Revision.objects.filter(origin='human').count():,} human saves)"
    )
    print(f"{'query':<40} {'p50 ms':>8} {'p95 ms':>8}")
    try:
        for label, run in queries().items():
            run()  # warm-up
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                run()
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            print(f"{label:<40} {statistics.median(times):>8.1f} {p95:>8.1f}", flush=True)
        rebuild_rollup()
    finally:
        connections.close_all()
        if args.drop:
            pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
