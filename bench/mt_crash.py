#!/usr/bin/env python
"""Crash check: SIGKILL a `db_worker` while it machine-translates, then start another.

Builds the base-size test model, imports 20 Hamshahri records with `--translate` into a fresh
database, starts a real `db_worker`, kills it with SIGKILL as soon as the first article is done,
and checks that no article is left half translated. A second worker then takes the stranded task
back (after WORKER_STALE_SECONDS without a heartbeat) and must bring every article to
`translated`, each segment with exactly one `mt` revision.

    .venv/bin/python bench/mt_crash.py [--articles 20] [--database sqlite|postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import CORPUS, ROOT, child_env, manage, scratch_database, setup_django

STALE_SECONDS = 6


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2", "-v", "0"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def state() -> dict:
    """Per article: segments, segments with a target, and mt revisions per segment."""
    from django.db.models import Count, Q

    from articles.models import Article, RevisionOrigin, Segment, SegmentStatus

    articles = Article.objects.annotate(
        total=Count("segments"),
        done=Count("segments", filter=~Q(segments__status=SegmentStatus.EMPTY)),
    ).values_list("pk", "status", "total", "done")
    revisions = Segment.objects.annotate(
        mt=Count("revisions", filter=Q(revisions__origin=RevisionOrigin.MT))
    ).values_list("mt", flat=True)
    return {"articles": list(articles), "mt_revisions": sorted(set(revisions))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-crash-"))
    env = child_env(
        workdir,
        ARGOS_PACKAGES_DIR=str(workdir / "argos-packages"),
        WORKER_STALE_SECONDS=str(STALE_SECONDS),
        WORKER_HEARTBEAT_SECONDS="1",
    )
    with scratch_database(args.database, env, label="crash"):
        setup_django(env)
        ok = crash_and_recover(args, env, workdir)
    sys.exit(0 if ok else 1)


def crash_and_recover(args: argparse.Namespace, env: dict, workdir: Path) -> bool:
    """Kill a worker mid-article, start another; True when nothing was left half-translated."""
    from articles.models import ArticleStatus

    package = workdir / "base.argosmodel"
    print("building the base-size test model ...", flush=True)
    manage(env, "mt", "build-test-model", str(package), "--size", "base")
    manage(env, "mt", "install", "--file", str(package))
    records = [r for r in json.loads(args.corpus.read_text("utf-8")) if r.get("summary")]
    source = workdir / "articles.jsonl"
    with source.open("w", encoding="utf-8") as out:
        for record in records[: args.articles]:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(manage(env, "import_articles", str(source), "--translate").strip())

    log = workdir / "worker.log"
    first = start_worker(env, log)
    started = time.monotonic()
    while True:
        snapshot = state()
        done = sum(status >= ArticleStatus.TRANSLATED for _, status, _, _ in snapshot["articles"])
        if done >= 1 or time.monotonic() - started > args.timeout:
            break
        time.sleep(0.05)
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    time.sleep(0.5)
    at_kill = state()
    from django_tasks_db.models import DBTaskResult

    stranded = DBTaskResult.objects.running().count()
    half = [
        (pk, total, translated)
        for pk, _, total, translated in at_kill["articles"]
        if 0 < translated < total
    ]
    done_at_kill = sum(s >= ArticleStatus.TRANSLATED for _, s, _, _ in at_kill["articles"])
    print(f"killed the worker (SIGKILL) with {done_at_kill}/{args.articles} articles translated")
    print(f"tasks left RUNNING by the dead worker: {stranded}")
    print(f"half-translated articles after the kill: {len(half)} {half or ''}")

    second = start_worker(env, log)
    restarted = time.monotonic()
    while True:
        final = state()
        finished = all(s >= ArticleStatus.TRANSLATED for _, s, _, _ in final["articles"])
        if finished or time.monotonic() - restarted > args.timeout:
            break
        time.sleep(0.5)
    recovery = time.monotonic() - restarted
    second.send_signal(signal.SIGTERM)
    second.wait(timeout=30)

    translated = sum(s >= ArticleStatus.TRANSLATED for _, s, _, _ in final["articles"])
    complete = all(total == done for _, _, total, done in final["articles"])
    print(
        f"after a new worker: {translated}/{args.articles} articles translated "
        f"in {recovery:.1f} s (stale after {STALE_SECONDS} s)"
    )
    print(f"every segment translated: {complete}")
    print(f"mt revisions per segment: {final['mt_revisions']} (want [1])")
    ok = bool(stranded) and not half and translated == args.articles and complete
    ok = ok and final["mt_revisions"] == [1]
    print("PASS" if ok else f"FAIL (worker log: {log})")
    return ok


if __name__ == "__main__":
    main()
