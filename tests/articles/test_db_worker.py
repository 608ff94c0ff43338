"""Real `db_worker` processes on a SQLite file: a task that kills its worker is run twice at
most, then failed with the reason on its batch, while the next worker lives on."""

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT, process_env

SETUP = r"""
import django

django.setup()
from django.core.files.base import ContentFile
from articles.models import ImportBatch
from articles.tasks import run_import_batch

upload = ContentFile(b'{"title": "t", "body": "b"}\n', name="poison.jsonl")
batch = ImportBatch.objects.create(file=upload, filename="poison.jsonl")
run_import_batch.enqueue(batch.pk)
print(batch.pk)
"""

# This project's `manage.py db_worker`, with an importer that does to the worker what a hostile
# file did: use up its memory until the kernel ends it with SIGKILL.
WORKER = r"""
import os, signal
import django

django.setup()
from django.core.management import call_command
from articles import import_runs


def eat_all_memory(**kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


import_runs.import_sources = eat_all_memory
call_command("db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2")
"""


def _state(database: Path, batch_id: int) -> dict:
    with sqlite3.connect(database, timeout=20) as db:
        status, message = db.execute(
            "SELECT status, message FROM articles_importbatch WHERE id = ?", (batch_id,)
        ).fetchone()
        task_status, worker_ids = db.execute(
            "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult"
        ).fetchone()
    return {
        "status": status,
        "message": message,
        "task": task_status,
        "workers": json.loads(worker_ids),
    }


def test_a_task_that_kills_its_worker_is_failed_after_two_runs(sqlite_file, tmp_path):
    env = process_env(
        sqlite_file,
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        WORKER_STALE_SECONDS="2",
        WORKER_HEARTBEAT_SECONDS="1",
    )
    setup = subprocess.run(
        [sys.executable, "-c", SETUP], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert setup.returncode == 0, setup.stderr
    batch_id = int(setup.stdout.split()[-1])
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")

    def start() -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, str(script)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    # The first worker takes the task and dies; the second finds it stranded, runs it, dies too.
    for _ in range(2):
        worker = start()
        assert worker.wait(timeout=120) == -signal.SIGKILL, worker.stderr.read()

    third = start()
    try:
        deadline = time.monotonic() + 120
        while _state(sqlite_file, batch_id)["task"] != "FAILED":
            assert time.monotonic() < deadline, _state(sqlite_file, batch_id)
            assert third.poll() is None, "the task ran a third time and killed its worker"
            time.sleep(0.5)
        time.sleep(2)  # a few more heartbeats: nothing requeues it
        assert third.poll() is None
    finally:
        third.send_signal(signal.SIGTERM)
        third.wait(timeout=30)

    state = _state(sqlite_file, batch_id)
    assert (state["status"], state["task"], len(state["workers"])) == ("failed", "FAILED", 2)
    assert state["message"].startswith("import stopped twice while running; not retried")
