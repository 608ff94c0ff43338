#!/usr/bin/env python
"""Concurrent editors: no lost update through `PATCH /api/v1/segments/{id}/` under load.

Imports the seed article into a fresh PostgreSQL database, creates --clients editors with API
tokens and serves the site with gunicorn. Each client then runs --saves read-modify-write cycles on
a random one of the first --segments segments: GET (ETag), PATCH a unique text with If-Match.
With --own-rows each client instead saves its own segment --saves times, carrying the ETag from
one answer to the next (as side_by_side.py measures against doccano): no GET, no conflict.
First it counts the SQL statements of one save (cold caches aside): those the answer waits for
and those of the follow-up that runs after it (articles/refresh.py).
Afterwards every 200 must be exactly one human revision, every other answer a 412, each
segment's text and version must match its history, and once the follow-ups are done the
article's search text must hold every segment's last text (exit status 1 if not). Prints
medians over --repeat load phases against the goals, at least 300 saves/s (with --own-rows;
without it most answers are 412 by design) and p99 PATCH latency under 100 ms, and the CPU
gunicorn, PostgreSQL and the client spent per cycle: on a shared, noisy machine that says more
about what the set-up would do on idle cores than the wall time does.
Each run also prints the write-ahead log the server wrote per save (the whole server's: run
nothing else on it meanwhile), which every commit waits to have flushed.

    .venv/bin/python bench/concurrency.py [--clients 16] [--saves 25] [--segments 4] [--repeat 3]
                                          [--own-rows] [--servers 2x4] [--conn-max-age N]

--servers takes a comma-separated list of WORKERS (sync) or WORKERSxTHREADS (gthread) gunicorn
set-ups and measures each in turn, e.g. `--servers 3,4,2x4,4x4`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from common import ROOT, SEED, child_env, manage, scratch_database, setup_django

GOAL_SAVES_PER_SECOND = 300
GOAL_P99_MS = 100
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Patch:
    segment: int
    text: str
    sent_version: int
    status: int
    seconds: float
    etag: str | None
    body: bytes


@dataclass
class Run:
    wall: float
    patches: list[Patch]
    errors: list[str]
    cpu: dict[str, float | None]
    # Write-ahead log the whole PostgreSQL server wrote meanwhile, in bytes: what commits wait
    # to have flushed.
    wal: float

    @property
    def saves(self) -> int:
        return sum(p.status == 200 for p in self.patches)

    @property
    def stale(self) -> int:
        return sum(p.status == 412 for p in self.patches)

    def latency_ms(self, quantile: int) -> float:
        return statistics.quantiles([p.seconds * 1000 for p in self.patches], n=100)[quantile - 1]


def stat(pid: int) -> list[str]:
    """/proc/PID/stat from field 3 on (the command name may contain spaces)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int, *, children: bool = False) -> float:
    """User + system CPU of a process, and with `children` of the children it has reaped."""
    try:
        fields = stat(pid)
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / TICKS


def server_cpu(master: int) -> float:
    workers = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int(stat(int(entry.name))[1]) == master:
                workers.append(int(entry.name))
        except OSError:
            continue
    return cpu_seconds(master, children=True) + sum(cpu_seconds(pid) for pid in workers)


def postgres_cpu() -> float | None:
    """This database's live backends plus every backend the postmaster has reaped (any
    database: other users of the server add noise); None when PostgreSQL is not local."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own = cursor.fetchone()[0]
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        backends = [row[0] for row in cursor.fetchall()]
    try:
        if b"postgres" not in Path(f"/proc/{own}/cmdline").read_bytes():
            return None
        postmaster = int(stat(own)[1])
    except OSError:
        return None
    return cpu_seconds(postmaster, children=True) + sum(cpu_seconds(pid) for pid in backends)


def cpu_snapshot(master: int) -> dict[str, float | None]:
    return {
        "gunicorn": server_cpu(master),
        "postgres": postgres_cpu(),
        "client": time.process_time(),
    }


def seed(env: dict, segments: int, clients: int) -> tuple[list[int], int | None, list[str]]:
    """The ids of the first `segments` segments of the seed article, the next one (to count a
    save's statements on, if there is one) and one token per editor."""
    manage(env, "import_articles", str(SEED))
    from django.contrib.auth.models import Group, User
    from rest_framework.authtoken.models import Token

    from articles.models import Segment

    ids = list(Segment.objects.order_by("article_id", "position").values_list("pk", flat=True))
    if len(ids) < segments:
        raise RuntimeError(f"the seed article has {len(ids)} segments, fewer than {segments}")
    editors = Group.objects.get(name="editor")
    tokens = []
    for index in range(clients):
        user = User.objects.create_user(username=f"editor{index}")
        user.groups.add(editors)
        tokens.append(Token.objects.create(user=user).key)
    return ids[:segments], (ids[segments] if len(ids) > segments else None), tokens


def statements_per_save(segment_id: int, token: str) -> tuple[int, int]:
    """SQL statements of one save through the whole stack (middleware included), in this
    process: those up to the save's COMMIT, which the answer waits for, and the follow-up's."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles import deferred

    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1")
    path = f"/api/v1/segments/{segment_id}/"
    etag = client.get(path).headers["ETag"]
    for n in range(3):  # the last one counts: caches warm, as under load
        with deferred.inline(), CaptureQueriesContext(connection) as queries:
            answer = client.patch(
                path,
                json.dumps({"target_text": f"Counted save {n}"}),
                content_type="application/json",
                HTTP_IF_MATCH=etag,
            )
        if answer.status_code != 200:
            raise RuntimeError(f"counting save answered {answer.status_code}")
        etag = answer.headers["ETag"]
    sql = [query["sql"] for query in queries.captured_queries]
    answered = sql.index("COMMIT") + 1 if "COMMIT" in sql else len(sql)
    return answered, len(sql) - answered


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_args(server: str) -> list[str]:
    """`3` is three sync workers, `2x4` two gthread workers with four threads each."""
    workers, _, threads = server.partition("x")
    args = ["--workers", workers]
    if threads:
        args += ["--worker-class", "gthread", "--threads", threads]
    return args


def start_server(env: dict, server: str, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "newsroom.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            *gunicorn_args(server),
            "--log-level",
            "warning",
            "--error-logfile",
            str(log),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}:\n{log.read_text()}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc, port
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.1)
    stop_server(proc)
    raise RuntimeError(f"gunicorn did not answer /healthz within 60 s:\n{log.read_text()}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def editor(
    *,
    port: int,
    token: str,
    segments: list[int],
    saves: int,
    client: int,
    label: str,
    start: threading.Barrier,
    patches: list[Patch],
    errors: list[str],
    own_row: bool = False,
) -> None:
    """One editor's read-modify-write cycles over a persistent connection; with `own_row`, saves
    of segments[client] alone, each with the ETag of the answer before (one GET at the start)."""
    rng = random.Random(f"{label}/{client}")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    etag = None
    start.wait()
    for n in range(saves):
        segment = segments[client] if own_row else rng.choice(segments)
        path = f"/api/v1/segments/{segment}/"
        text = f"{label} client {client} save {n}"
        try:
            if not (own_row and etag):
                conn.request("GET", path, headers=headers)
                read = conn.getresponse()
                read.read()
                etag = read.getheader("ETag")
                if read.status != 200 or not etag:
                    errors.append(f"GET {path}: {read.status}, ETag {etag!r}")
                    continue
            body = json.dumps({"target_text": text})
            write_headers = {**headers, "If-Match": etag, "Content-Type": "application/json"}
            began = time.perf_counter()
            conn.request("PATCH", path, body, write_headers)
            answer = conn.getresponse()
            payload = answer.read()
            seconds = time.perf_counter() - began
        except (OSError, http.client.HTTPException) as error:
            errors.append(f"{path}: {error!r}")
            conn.close()
            continue
        patches.append(
            Patch(
                segment=segment,
                text=text,
                sent_version=int(etag.strip('"')),
                status=answer.status,
                seconds=seconds,
                etag=answer.getheader("ETag"),
                body=payload,
            )
        )
        etag = answer.getheader("ETag") if answer.status == 200 else None
    conn.close()


def load(
    server: subprocess.Popen,
    port: int,
    tokens: list[str],
    segments: list[int],
    saves: int,
    label: str,
    own_rows: bool = False,
) -> Run:
    start = threading.Barrier(len(tokens) + 1)
    patches: list[list[Patch]] = [[] for _ in tokens]
    errors: list[str] = []
    threads = [
        threading.Thread(
            target=editor,
            kwargs={
                "port": port,
                "token": token,
                "segments": segments,
                "saves": saves,
                "client": client,
                "label": label,
                "start": start,
                "patches": patches[client],
                "errors": errors,
                "own_row": own_rows,
            },
            daemon=True,
        )
        for client, token in enumerate(tokens)
    ]
    for thread in threads:
        thread.start()
    before = cpu_snapshot(server.pid)
    wal_before = wal_position()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    after = cpu_snapshot(server.pid)
    wal = wal_position() - wal_before
    cpu = {
        part: None if before[part] is None or after[part] is None else after[part] - before[part]
        for part in before
    }
    return Run(wall, [p for client in patches for p in client], errors, cpu, wal)


def wal_position() -> float:
    """Bytes of write-ahead log the PostgreSQL server has written since it was created."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')")
        return float(cursor.fetchone()[0])


def verify(runs: list[Run], segments: list[int]) -> list[tuple[str, bool, str]]:
    """Check every answer against the database: (check, passed, details)."""
    from articles.models import Revision, RevisionOrigin, Segment

    patches = [p for run in runs for p in run.patches]
    saved = [p for p in patches if p.status == 200]
    stale = [p for p in patches if p.status == 412]
    revisions = list(
        Revision.objects.filter(segment_id__in=segments).values_list(
            "segment_id", "text", "origin", "version"
        )
    )
    human = Counter((s, text) for s, text, origin, _ in revisions if origin == RevisionOrigin.HUMAN)
    version_of = {(s, text): v for s, text, _, v in revisions}
    checks = []

    missing = [p for p in saved if human[(p.segment, p.text)] != 1]
    checks.append(
        (
            "every 200's text is exactly one human revision of its segment",
            not missing,
            f"{len(missing)} of {len(saved)} not exactly once"
            + (f", e.g. {missing[0].text!r} on {missing[0].segment}" if missing else ""),
        )
    )
    total_human = sum(human.values())
    per_segment = Counter(p.segment for p in saved)
    human_per_segment = Counter(s for s, _ in human.elements())
    checks.append(
        (
            "human revisions == 200s (in total and per segment)",
            total_human == len(saved) and per_segment == human_per_segment,
            f"{total_human} revisions, {len(saved)} saves",
        )
    )
    others = Counter(p.status for p in patches if p.status not in (200, 412))
    errors = [e for run in runs for e in run.errors]
    checks.append(
        (
            "every other answer is a 412 (no 5xx, no other code, no failed request)",
            not others and not errors,
            f"{len(stale)} × 412, others {dict(others)}, request errors {len(errors)}"
            + (f": {errors[0]}" if errors else ""),
        )
    )

    def echoes(p: Patch) -> bool:
        data = json.loads(p.body)
        version = data["version"]
        return (
            data["target_text"] == p.text
            and version == p.sent_version + 1
            and p.etag == f'"{version}"'
            and version_of.get((p.segment, p.text)) == version
        )

    def describe(p: Patch) -> str:
        data = json.loads(p.body)
        return (
            f"segment {p.segment} If-Match {p.sent_version} sent {p.text!r}, got version "
            f"{data['version']} {data['target_text']!r} ETag {p.etag}, revision version "
            f"{version_of.get((p.segment, p.text))}"
        )

    bad_echo = [p for p in saved if not echoes(p)]
    checks.append(
        (
            "every 200 returns the text at If-Match + 1, the revision's version, as ETag",
            not bad_echo,
            f"{len(bad_echo)} of {len(saved)} wrong"
            + (f", e.g. {describe(bad_echo[0])}" if bad_echo else ""),
        )
    )
    bad_conflict = [p for p in stale if json.loads(p.body)["current"]["version"] <= p.sent_version]
    checks.append(
        (
            "every 412 names a newer current version than the If-Match",
            not bad_conflict,
            f"{len(bad_conflict)} of {len(stale)} not newer",
        )
    )

    wrong = []
    for segment in Segment.objects.filter(pk__in=segments).order_by("pk"):
        history = sorted((v, text) for s, text, _, v in revisions if s == segment.pk)
        newest = history[-1][1] if history else ""
        versions = [version for version, _ in history]
        if segment.target_text != newest or versions != list(range(2, segment.version + 1)):
            wrong.append(f"{segment.pk}: v{segment.version}, {len(history)} revisions")
    checks.append(
        (
            "each segment's text is its newest revision's, its revisions are versions 2..version",
            not wrong,
            "; ".join(wrong) or f"{len(segments)} segments, {len(revisions)} revisions",
        )
    )
    checks.append(followed_up())
    return checks


def followed_up(wait: float = 30.0) -> tuple[str, bool, str]:
    """Once no segment waits for its follow-up any more, every article's search text is the
    one its current texts make: no save's follow-up was lost."""
    from articles.models import Article, Segment
    from articles.search import build_search_text

    deadline = time.monotonic() + wait
    while Segment.objects.filter(needs_refresh=True).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    flagged = Segment.objects.filter(needs_refresh=True).count()
    behind = []
    for article in Article.objects.order_by("pk"):
        texts = [article.title]
        for source, target in article.segments.values_list("source_text", "target_text"):
            texts += (source, target)
        if article.search_text != build_search_text(texts):
            behind.append(article.pk)
    return (
        "once the follow-ups are done, each article's search text holds its last saves",
        not flagged and not behind,
        f"{flagged} segments still waiting after {wait:.0f} s, articles behind: {behind or 'none'}",
    )


def median(values) -> float:
    return statistics.median(list(values))


def summarise(server: str, runs: list[Run], *, own_rows: bool) -> None:
    """Print one line per run, the medians, the CPU spent per cycle and the goals.

    The rate goal is for saves when each client has its own row (--own-rows, the work the goal
    was set on); with several clients to a row most answers are 412 by design.
    """
    for index, run in enumerate(runs, 1):
        print(
            f"  {server} run {index}: {len(run.patches)} PATCH, {run.saves} × 200, "
            f"{run.stale} × 412 in {run.wall:.2f} s: {run.saves / run.wall:.1f} saves/s, "
            f"{len(run.patches) / run.wall:.1f} answers/s, "
            f"p50 {run.latency_ms(50):.1f} ms, p99 {run.latency_ms(99):.1f} ms, "
            f"write-ahead log {run.wal / max(run.saves, 1) / 1024:.1f} KB a save"
        )
    saves_per_second = median(r.saves / r.wall for r in runs)
    p99 = median(r.latency_ms(99) for r in runs)
    print(
        f"{server} median of {len(runs)}: {median(len(r.patches) for r in runs):g} PATCH, "
        f"{median(r.saves for r in runs):g} × 200, {median(r.stale for r in runs):g} × 412, "
        f"wall {median(r.wall for r in runs):.2f} s, {saves_per_second:.1f} saves/s, "
        f"{median(len(r.patches) / r.wall for r in runs):.1f} answers/s, "
        f"p50 {median(r.latency_ms(50) for r in runs):.1f} ms, p99 {p99:.1f} ms"
    )
    # CPU per GET + PATCH cycle says what the set-up would do on idle cores, noise or not.
    per_cycle = {
        part: median(1000 * r.cpu[part] / len(r.patches) for r in runs)
        for part in runs[0].cpu
        if all(r.cpu[part] is not None for r in runs)
    }
    total = sum(per_cycle.values())
    share = median(r.saves / len(r.patches) for r in runs)
    cores = len(os.sched_getaffinity(0))
    print(
        f"{server} CPU per cycle: "
        + ", ".join(f"{part} {ms:.1f} ms" for part, ms in per_cycle.items())
        + f"; on {cores} idle cores at most {1000 * cores / total:.0f} cycles/s, "
        f"{1000 * cores / total * share:.0f} saves/s at this 200 share ({share:.0%})"
    )
    quick = p99 < GOAL_P99_MS
    if own_rows:
        fast = "met" if saves_per_second >= GOAL_SAVES_PER_SECOND else "NOT MET"
    else:
        fast = f"judged with --own-rows only (here {share:.0%} of the answers are 200s, by design)"
    print(
        f"{server} goal ≥ {GOAL_SAVES_PER_SECOND} saves/s: {fast}; "
        f"goal p99 < {GOAL_P99_MS} ms: {'met' if quick else 'NOT MET'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--saves", type=int, default=25, help="cycles per client per run")
    parser.add_argument("--segments", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--own-rows",
        action="store_true",
        help="each client saves a segment of its own (--segments is then --clients)",
    )
    parser.add_argument(
        "--servers",
        default="2x4",
        help="gunicorn set-ups: WORKERS or WORKERSxTHREADS, comma-separated",
    )
    parser.add_argument(
        "--conn-max-age", type=int, help="CONN_MAX_AGE for the server (default: the settings')"
    )
    args = parser.parse_args()
    # A terminated bench still stops gunicorn and drops its database (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))

    servers = [server.strip() for server in args.servers.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-concurrency-"))
    env = child_env(
        workdir,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
    )
    if args.conn_max_age is not None:
        env["CONN_MAX_AGE"] = str(args.conn_max_age)
    log = workdir / "gunicorn.log"
    runs: list[Run] = []
    ok = True
    try:
        with scratch_database("postgres", env, label="concurrency"):
            setup_django(env)
            from django.conf import settings

            wanted = args.clients if args.own_rows else args.segments
            segments, spare, tokens = seed(env, wanted, args.clients)
            conn_max_age = settings.DATABASES["default"]["CONN_MAX_AGE"]
            print(
                f"{args.clients} clients × {args.saves} cycles on {len(segments)} segments"
                f"{' (each its own)' if args.own_rows else ''}, "
                f"repeat {args.repeat}, CONN_MAX_AGE={conn_max_age}, "
                f"{len(os.sched_getaffinity(0))} cores, "
                f"load average {os.getloadavg()[0]:.2f} before"
            )
            if spare is not None:
                answered, after = statements_per_save(spare, tokens[0])
                print(
                    f"SQL statements per save: {answered} before the answer (authentication "
                    f"and the save's transaction), {after} in the follow-up after it"
                )
            for server in servers:
                proc, port = start_server(env, server, log)
                try:
                    mine = [
                        load(
                            proc,
                            port,
                            tokens,
                            segments,
                            args.saves,
                            f"{server} run {index}",
                            own_rows=args.own_rows,
                        )
                        for index in range(args.repeat)
                    ]
                finally:
                    stop_server(proc)
                runs += mine
                summarise(server, mine, own_rows=args.own_rows)
            print(f"load average {os.getloadavg()[0]:.2f} after")
            checks = verify(runs, segments)
            for label, passed, details in checks:
                print(f"{'PASS' if passed else 'FAIL'} {label} ({details})")
            if not all(passed for _, passed, _ in checks):
                ok = False
                if log.exists() and log.stat().st_size:
                    print("gunicorn log (tail):\n" + log.read_text()[-3000:])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
