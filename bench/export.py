#!/usr/bin/env python
"""Bulk-export benchmark: time, size and peak memory of exporting 10,000 articles per format.

Builds a fresh database (SQLite by default, or PostgreSQL `newsroom_export_<pid>`, created and
dropped; `BENCH_PG_URL` names the server) holding --articles articles of --segments segments, each
with MT, a target and a few mentions (Persian text sampled from the shared Hamshahri corpus). Then,
for each format, a child process streams `GET /api/v1/export/?format=F` through Django's test client
into a file chunk by chunk, so the peak RSS printed is the export's own. Goal: peak memory under
300 MB, whatever the number of articles.

    .venv/bin/python bench/export.py [--articles 10000] [--segments 10]
                                     [--formats json,jsonl,tmx,xliff,conll]
                                     [--database sqlite|postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
from pathlib import Path

from common import CORPUS, child_env, measured, scratch_database, setup_django

FORMATS = ("json", "jsonl", "tmx", "xliff", "conll")
ENGLISH = "Officials said on Tuesday that the new measures would take effect next month."
TARGET_MB = 300
BATCH = 2000


def _sentences() -> list[str]:
    records = json.loads(CORPUS.read_text(encoding="utf-8"))
    texts = []
    for record in records:
        for field in ("title", "summary"):
            text = " ".join(str(record.get(field) or "").split())
            if len(text.split()) >= 3:
                texts.append(text)
    return texts


def generate(articles: int, segments: int) -> None:
    """Fill the database with articles, segments with targets, and mentions (bulk inserts)."""
    setup_django(dict(os.environ))
    from annotations.models import Entity, EntityType, Mention, MentionOrigin
    from articles.models import Article, ArticleStatus, Segment, SegmentKind, SegmentStatus

    rng = random.Random(6)
    sentences = _sentences()
    entities = [
        Entity.objects.create(name_en=f"Bench entity {n}", name_fa=f"نهاد {n}", type=EntityType.ORG)
        for n in range(20)
    ]
    for first in range(0, articles, BATCH):
        rows = Article.objects.bulk_create(
            Article(
                identity=f"bench-{n}",
                url=f"https://example.org/news/{n}",
                external_id=f"bench-{n}",
                title=rng.choice(sentences),
                raw_text="",
                status=ArticleStatus.IN_REVIEW,
            )
            for n in range(first, min(first + BATCH, articles))
        )
        segment_rows = Segment.objects.bulk_create(
            Segment(
                article=article,
                position=position,
                kind=SegmentKind.TITLE if position == 0 else SegmentKind.BODY,
                paragraph=0 if position == 0 else 1 + position // 4,
                source_text=(text := article.title if position == 0 else rng.choice(sentences)),
                source_key=Segment.key_for(text),
                mt_text=ENGLISH,
                mt_model="bench",
                target_text=ENGLISH,
                status=SegmentStatus.MACHINE,
            )
            for article in rows
            for position in range(segments)
        )
        mentions = []
        for segment in segment_rows:
            if segment.position % 4 != 1:
                continue
            word = segment.source_text.split()[0]
            entity = rng.choice(entities)
            mentions.append(
                Mention(
                    segment=segment,
                    side="source",
                    start=0,
                    end=len(word),
                    text=word,
                    entity=entity,
                    type=entity.type,
                    origin=MentionOrigin.MANUAL,
                )
            )
            mentions.append(
                Mention(
                    segment=segment,
                    side="target",
                    start=0,
                    end=9,
                    text=ENGLISH[:9],
                    entity=entity,
                    type=entity.type,
                    origin=MentionOrigin.SUGGESTED,
                )
            )
        Mention.objects.bulk_create(mentions)


def export(fmt: str, out: Path) -> None:
    """Stream one bulk export into a file, chunk by chunk, as a staff user."""
    setup_django(dict(os.environ))
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(
        username="bench-export", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    response = client.get("/api/v1/export/", {"format": fmt}, secure=True)
    if response.status_code != 200:
        sys.exit(f"{fmt}: HTTP {response.status_code}")
    with out.open("wb") as file:
        for chunk in response.streaming_content:
            file.write(chunk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--segments", type=int, default=10)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--_generate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--_export", help=argparse.SUPPRESS)
    parser.add_argument("--_out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._generate:
        return generate(args.articles, args.segments)
    if args._export:
        return export(args._export, args._out)

    with tempfile.TemporaryDirectory(prefix="newsroom-export-") as tmp:
        workdir = Path(tmp)
        env = child_env(workdir, DEBUG="0", ALLOWED_HOSTS="testserver")
        with scratch_database(args.database, env, label="export"):
            me = [sys.executable, str(Path(__file__).resolve())]
            seconds, rss, _, code = measured(
                [*me, "--_generate", f"--articles={args.articles}", f"--segments={args.segments}"],
                env,
            )
            if code:
                sys.exit(f"generating the data failed (exit {code})")
            print(
                f"{args.database}: {args.articles} articles x {args.segments} segments "
                f"generated in {seconds:.1f} s"
            )
            for fmt in args.formats.split(","):
                out = workdir / f"export.{fmt}"
                seconds, rss, _, code = measured([*me, "--_export", fmt, "--_out", str(out)], env)
                size = out.stat().st_size / 1e6 if out.exists() else 0
                verdict = "ok" if code == 0 and rss < TARGET_MB else "OVER TARGET"
                print(
                    f"{args.database:8s} {fmt:6s}: {seconds:7.2f} s, {size:8.1f} MB written, "
                    f"peak RSS {rss:7.1f} MB, exit {code} {verdict} (target < {TARGET_MB} MB)"
                )
                out.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
