"""What every benchmark starts with: the project on the import path, the corpus and the seed, a
scratch database of either kind (created empty, migrated, dropped afterwards), the environment
that a child `manage.py` and the in-process Django set-up share, and a child run measured for
wall time and peak memory.

A benchmark script imports this module by name (`from common import ...`): Python puts the
script's own folder, bench/, first on the import path.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# The Hamshahri sample beside the checkout, or where BENCH_CORPUS says (a checkout elsewhere).
CORPUS = Path(os.environ.get("BENCH_CORPUS", ROOT.parent / "shared" / "corpus" / "hamshahri.json"))
SEED = ROOT / "articles" / "demo" / "seed_article.txt"
# A PostgreSQL database the bench may connect to in order to create and drop its own.
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def pg(sql: str) -> None:
    """Run one statement on the PostgreSQL server outside a transaction (CREATE/DROP DATABASE)."""
    import psycopg

    with psycopg.connect(
        PG_ADMIN_URL.replace("postgres://", "postgresql://", 1), autocommit=True
    ) as conn:
        conn.execute(sql)


def child_env(workdir: Path, **overrides: str) -> dict[str, str]:
    """The environment of a production-like run: a fixed secret, DEBUG off, files under workdir.

    The caller's environment is kept (BENCH_PG_URL, MT_* settings), but not what would switch
    the settings to a test or development set-up.
    """
    env = {**os.environ, "SECRET_KEY": "bench", "NEWSROOM_VAR_DIR": str(workdir)}
    for variable in ("PYTEST_VERSION", "DEBUG", "DJANGO_SETTINGS_MODULE"):
        env.pop(variable, None)
    env.update(overrides)
    return env


@contextmanager
def scratch_database(
    kind: str, env: dict[str, str], *, label: str = "bench", migrate: bool = True
) -> Iterator[dict[str, str]]:
    """Point env's DATABASE_URL at a new, empty database of `kind` ("sqlite" or "postgres").

    SQLite lives in env's NEWSROOM_VAR_DIR; a PostgreSQL database is named after the label and
    this process, and dropped on the way out even when the bench failed.
    """
    name = None
    if kind == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{Path(env['NEWSROOM_VAR_DIR']) / f'{label}.sqlite3'}"
    elif kind == "postgres":
        name = f"newsroom_{label}_{os.getpid()}"
        pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        pg(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    else:
        raise SystemExit(f"unknown database kind {kind!r}: sqlite or postgres")
    try:
        if migrate:
            manage(env, "migrate", "--noinput", "-v0")
        yield env
    finally:
        if name:
            _close_django_connections()
            pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _close_django_connections() -> None:
    if "django" not in sys.modules:
        return
    from django.apps import apps
    from django.db import connections

    if apps.ready:
        connections.close_all()


def manage(env: dict[str, str], *args: str) -> str:
    """Run `manage.py args` in a child process; its output, or exit with what it said on failure."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def setup_django(env: dict[str, str]) -> None:
    """Configure Django in this process with the same environment the children get."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    import django

    django.setup()


def measured(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str, int]:
    """Run a command; return its wall seconds, peak RSS in MB, stdout and exit status."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    out = proc.stdout.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, out, proc.returncode
