#!/usr/bin/env python
"""Bulk-import benchmark: `import_articles` on the Hamshahri corpus and on files 10x and 100x its
size, as the user runs it (a child process, start-up included), on a fresh database each time.

1. The plain 1x wall time on PostgreSQL, median of --repeat runs: the first import (everything
   created) and the second (everything skipped), and the start-up alone (a one-record file).
2. Records per second and peak memory at each --scales size on PostgreSQL, and at 1x on SQLite.
   A scaled file repeats the corpus under new links (`link#copyN`), so every record is new.
   Memory is the peak of the proportional set sizes (PSS) of the command and the processes it
   starts, summed, and the peak RSS of the largest of them; the import reads, prepares and writes
   a chunk at a time, so neither should grow with the file.

    .venv/bin/python bench/import.py [--corpus ../shared/corpus/hamshahri.json] [--repeat 3]
                                     [--scales 1,10,100] [--sqlite-scales 1]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from common import CORPUS, ROOT, child_env, scratch_database

SUMMARY = re.compile(r"created (\d+), updated (\d+), skipped (\d+), failed (\d+)")
MEMORY_TARGET_MB = 300
POLL_SECONDS = 0.02


def _tree(pid: int) -> list[int]:
    """The process and its descendants, as /proc lists them now."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo += [int(child) for child in children.read().split()]
            except OSError:
                continue
    return found


def _pss_kb(pid: int) -> int:
    """The process's proportional set size: its private memory plus its share of the pages it
    shares (a forked child shares most of its parent's), so the sum over processes is honest."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class Run:
    seconds: float  # wall time
    cpu: float  # user + system seconds of the command and the processes it started
    memory: float  # peak of the processes' summed PSS, MB (sampled every 20 ms)
    largest: float  # peak RSS of the largest process, MB (as the kernel counts it)
    out: str
    code: int


def run(cmd: list[str], env: dict[str, str]) -> Run:
    """Run a command and measure it."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.DEVNULL)
        peak_kb = 0
        while True:
            # wait4: the child's own usage, its largest descendant's peak RSS included.
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak_kb = max(peak_kb, sum(_pss_kb(pid) for pid in _tree(proc.pid)))
            time.sleep(POLL_SECONDS)
        seconds = time.perf_counter() - start
        out.seek(0)
        return Run(
            seconds=seconds,
            cpu=usage.ru_utime + usage.ru_stime,
            memory=peak_kb / 1024,
            largest=usage.ru_maxrss / 1024,
            out=out.read().decode(),
            code=os.waitstatus_to_exitcode(status),
        )


def import_cmd(path: Path) -> list[str]:
    return [sys.executable, "manage.py", "import_articles", str(path)]


def summary_of(out: str, label: str) -> str:
    match = SUMMARY.search(out)
    if not match:
        sys.exit(f"{label}: no summary line: {out[-500:]!r}")
    return match.group(0)


def scaled_corpus(corpus: Path, scale: int, workdir: Path) -> Path:
    """A JSON array of `scale` copies of the corpus, each copy under its own links."""
    if scale == 1:
        return corpus
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


def bench_wall(corpus: Path, repeat: int, workdir: Path) -> None:
    """The number to set against another tool's time: the whole command, as the user waits."""
    one = workdir / "one.json"
    one.write_text(
        json.dumps(json.loads(corpus.read_text(encoding="utf-8"))[:1], ensure_ascii=False),
        encoding="utf-8",
    )
    first, second, startup = [], [], []
    for index in range(repeat):
        run_dir = workdir / f"wall{index}"
        run_dir.mkdir()
        with scratch_database("postgres", child_env(run_dir), label="imp_wall") as env:
            # The one-record file comes last: its record is then skipped, as the first run
            # of the corpus is an import into an empty database.
            for runs, path in ((first, corpus), (second, corpus), (startup, one)):
                done = run(import_cmd(path), env)
                runs.append((done.seconds, done.cpu, summary_of(done.out, "wall")))
    print(f"postgres   1x wall time of import_articles, median of {repeat}:")
    for label, runs in (
        ("start-up (one record)", startup),
        ("first import", first),
        ("second import", second),
    ):
        times = ", ".join(f"{seconds:.2f}" for seconds, _, _ in runs)
        print(
            f"  {label:22s} {statistics.median(r[0] for r in runs):6.2f} s "
            f"(runs: {times}; CPU {statistics.median(r[1] for r in runs):.2f} s) [{runs[-1][2]}]"
        )


def bench_scale(kind: str, corpus: Path, scale: int, workdir: Path) -> tuple[float, float]:
    path = scaled_corpus(corpus, scale, workdir)
    # Counted from the corpus: loading the large file here would grow this process, and with it
    # the peak RSS the kernel reports for the children it forks.
    records = scale * len(json.loads(corpus.read_text(encoding="utf-8")))
    size_mb = path.stat().st_size / 1e6
    run_dir = workdir / f"{kind}-x{scale}"
    run_dir.mkdir()
    with scratch_database(kind, child_env(run_dir), label=f"imp_x{scale}") as env:
        done = run(import_cmd(path), env)
    if path != corpus:
        path.unlink()
    rate = records / done.seconds
    verdict = "ok" if done.memory < MEMORY_TARGET_MB else "OVER TARGET"
    print(
        f"{kind:10s} {scale:>3d}x {records:>7d} records ({size_mb:5.1f} MB): "
        f"{done.seconds:7.2f} s (CPU {done.cpu:6.2f} s), {rate:6.0f} records/s, "
        f"peak memory {done.memory:5.1f} MB (largest process {done.largest:5.1f} MB) "
        f"[{summary_of(done.out, kind)}; exit {done.code}] {verdict} (< {MEMORY_TARGET_MB} MB)"
    )
    return rate, done.memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the 1x wall time")
    parser.add_argument("--scales", default="1,10,100", help="sizes on PostgreSQL")
    parser.add_argument("--sqlite-scales", default="1", help="sizes on SQLite")
    parser.add_argument("--skip-wall", action="store_true", help="only the scaled runs")
    args = parser.parse_args()
    if not args.corpus.exists():
        sys.exit(f"corpus not found: {args.corpus}")
    print(
        f"corpus {args.corpus} ({args.corpus.stat().st_size / 1e6:.1f} MB); "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as tmp:
        workdir = Path(tmp)
        if not args.skip_wall:
            bench_wall(args.corpus, args.repeat, workdir)
        results = {}
        for kind, scales in (("postgres", args.scales), ("sqlite", args.sqlite_scales)):
            for scale in (int(s) for s in scales.split(",") if s.strip()):
                results[kind, scale] = bench_scale(kind, args.corpus, scale, workdir)
        sizes = sorted(scale for kind, scale in results if kind == "postgres")
        if len(sizes) > 1:
            (low_rate, low_peak), (high_rate, high_peak) = (
                results["postgres", sizes[0]],
                results["postgres", sizes[-1]],
            )
            print(
                f"postgres   {sizes[-1]}x / {sizes[0]}x: records/s x{high_rate / low_rate:.2f}, "
                f"peak memory x{high_peak / low_peak:.2f}"
            )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
