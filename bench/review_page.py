#!/usr/bin/env python
"""Review-page benchmark: server time and SQL queries to render a 120-segment article.

Builds a fresh database (SQLite by default, or PostgreSQL) holding one article of --segments
segments, each with MT, an edited target and --revisions revisions, then renders
`/articles/{id}/` in-process through Django's test client (--runs times after a warm-up) for a
logged-in editor, and prints the median and p90 server time (wall clock, and this process's CPU
time, which a busy machine disturbs less) and the query count. Goal: median under 50 ms, and the
same number of queries whatever the number of segments.

    .venv/bin/python bench/review_page.py [--segments 120] [--revisions 3] [--runs 30]
                                          [--database sqlite|postgres]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from common import child_env, scratch_database, setup_django

PERSIAN = "روحانی گفت که ائتلافی بین ایران و روسیه برای مبارزه با داعش وجود ندارد"
ENGLISH = "Rouhani said there is no coalition between Iran and Russia to fight ISIS"


def build(segments: int, revisions: int) -> int:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from articles.models import (
        Article,
        ArticleStatus,
        Revision,
        RevisionOrigin,
        Segment,
        SegmentKind,
        SegmentStatus,
    )

    editor = get_user_model().objects.create_user("editor", password="bench-password")
    editor.groups.add(Group.objects.get(name="editor"))
    article = Article.objects.create(
        identity="bench", title=PERSIAN, raw_text=PERSIAN, status=ArticleStatus.IN_REVIEW
    )
    rows = Segment.objects.bulk_create(
        Segment(
            article=article,
            position=n,
            kind=SegmentKind.TITLE if n == 0 else SegmentKind.BODY,
            paragraph=n // 4,
            source_text=f"{PERSIAN} {n}",
            source_key=Segment.key_for(f"{PERSIAN} {n}"),
            mt_text=f"{ENGLISH} {n}",
            mt_model="translate-fa_en@1.0",
            target_text=f"{ENGLISH}, said the president {n}",
            status=SegmentStatus.EDITED,
            version=revisions + 1,
            updated_by=editor,
        )
        for n in range(segments)
    )
    Revision.objects.bulk_create(
        Revision(segment=row, text=f"text {v}", origin=RevisionOrigin.HUMAN, version=v + 2)
        for row in rows
        for v in range(revisions)
    )
    return article.pk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=120)
    parser.add_argument("--revisions", type=int, default=3)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-review-"))
    env = child_env(workdir, ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0")
    with scratch_database(args.database, env, label="review"):
        setup_django(env)
        measure(args)


def measure(args: argparse.Namespace) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("collectstatic", interactive=False, verbosity=0)
    article_id = build(args.segments, args.revisions)
    small_id = build_small()
    client = Client()
    # Signed in without the login form: the lockout backend wants a real request to check.
    client.force_login(get_user_model().objects.get(username="editor"))
    url = f"/articles/{article_id}/"
    for _ in range(3):
        assert client.get(url).status_code == 200
    times, cpu = [], []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(f"/articles/{small_id}/")
    median = statistics.median(times)
    p90 = statistics.quantiles(times, n=10)[-1]
    print(
        f"review page, {args.segments} segments x {args.revisions} revisions, "
        f"{args.database}, {args.runs} runs"
    )
    print(f"  server time: median {median:.1f} ms, p90 {p90:.1f} ms")
    # CPU time of this process: what the render costs, whatever else the machine runs.
    print(f"  CPU time:    median {statistics.median(cpu):.1f} ms")
    print(f"  page size:   {len(response.content) / 1024:.0f} KiB")
    print(f"  SQL queries: {len(large)} ({len(small)} for a 2-segment article)")
    print(f"  goal median < 50 ms: {'met' if median < 50 else 'NOT met'}")
    same = len(large) == len(small)
    print(f"  goal constant queries: {'met' if same else 'NOT met'}")


def build_small() -> int:
    from articles.models import Article, Segment, SegmentKind

    article = Article.objects.create(identity="small", title=PERSIAN, raw_text=PERSIAN)
    for n in range(2):
        Segment.objects.create(
            article=article,
            position=n,
            kind=SegmentKind.BODY,
            source_text=f"{PERSIAN} {n}",
            source_key=Segment.key_for(f"{PERSIAN} {n}"),
        )
    return article.pk


if __name__ == "__main__":
    main()
