#!/usr/bin/env python
"""Bulk-import benchmark: time and peak memory of `import_articles` on the Hamshahri corpus.

Runs the real command in a child process against a fresh SQLite file and a fresh PostgreSQL
database, twice each (the second run must create nothing), and prints medians over --repeat runs.
Targets: under 30 s and under 400 MB peak RSS per import. With --scale N it also imports a file N
times the corpus (records repeated under new links) and prints the peak-memory ratio to the 1x run:
streaming import keeps it near 1.

    .venv/bin/python bench/import.py [--corpus ../shared/corpus/hamshahri.json] [--repeat 3]
                                     [--scale 5]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
from pathlib import Path

from common import CORPUS, child_env, measured, scratch_database

SUMMARY = re.compile(r"created (\d+), updated (\d+), skipped (\d+), failed (\d+)")


def bench(kind: str, corpus: Path, repeat: int) -> None:
    first, second = [], []
    for _ in range(repeat):
        with (
            tempfile.TemporaryDirectory(prefix="newsroom-bench-") as tmp,
            scratch_database(kind, child_env(Path(tmp))) as env,
        ):
            cmd = [sys.executable, "manage.py", "import_articles", str(corpus)]
            for runs in (first, second):
                seconds, rss, out, code = measured(cmd, env)
                match = SUMMARY.search(out)
                if not match:
                    sys.exit(f"{kind}: no summary line (exit {code}): {out!r}")
                runs.append((seconds, rss, match.group(0), code))
    for label, runs in (("first import ", first), ("second import", second)):
        seconds = statistics.median(r[0] for r in runs)
        rss = statistics.median(r[1] for r in runs)
        verdict = "ok" if seconds < 30 and rss < 400 else "OVER TARGET"
        print(
            f"{kind:10s} {label}: median {seconds:6.2f} s, peak RSS {rss:6.1f} MB "
            f"[{runs[-1][2]}; exit {runs[-1][3]}] {verdict} (target < 30 s, < 400 MB)"
        )


def scaled_corpus(corpus: Path, scale: int, workdir: Path) -> Path:
    """A JSON array of `scale` copies of the corpus, each copy under its own links."""
    import json

    records = json.loads(corpus.read_text(encoding="utf-8"))
    path = workdir / f"corpus-x{scale}.json"
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for copy in range(scale):
            for index, record in enumerate(records):
                record = {**record, "link": f"{record.get('link', '')}#copy{copy}"}
                out.write(("," if copy or index else "") + json.dumps(record, ensure_ascii=False))
        out.write("]")
    return path


def bench_memory(corpus: Path, scale: int) -> None:
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as tmp:
        big = scaled_corpus(corpus, scale, Path(tmp))
        peaks = {}
        for label, path in (("1x", corpus), (f"{scale}x", big)):
            db_dir = Path(tmp) / label
            db_dir.mkdir()
            with scratch_database("sqlite", child_env(db_dir)) as env:
                seconds, rss, out, _ = measured(
                    [sys.executable, "manage.py", "import_articles", str(path)], env
                )
            peaks[label] = rss
            summary = SUMMARY.search(out)
            print(
                f"memory     {label:>3s} ({path.stat().st_size / 1e6:5.1f} MB file): "
                f"{seconds:6.2f} s, peak RSS {rss:6.1f} MB [{summary and summary.group(0)}]"
            )
        print(f"memory     peak RSS ratio {scale}x / 1x: {peaks[f'{scale}x'] / peaks['1x']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--scale", type=int, default=0, help="also measure memory at N x size")
    args = parser.parse_args()
    if not args.corpus.exists():
        sys.exit(f"corpus not found: {args.corpus}")
    print(f"corpus {args.corpus} ({args.corpus.stat().st_size / 1e6:.1f} MB), repeat {args.repeat}")
    for kind in args.databases.split(","):
        bench(kind.strip(), args.corpus, args.repeat)
    if args.scale > 1:
        bench_memory(args.corpus, args.scale)


if __name__ == "__main__":
    main()
