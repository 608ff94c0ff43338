"""`manage.py db_worker`: django-tasks-db's worker, plus a heartbeat and stranded-task rescue.

Options and behaviour are django-tasks-db's own; see articles/workers.py for what is added.
"""

from __future__ import annotations

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from articles.workers import Heartbeat, requeue_own


class Command(db_worker.Command):
    help = db_worker.Command.help + (
        " (reports a heartbeat; re-runs tasks of dead workers up to TASK_MAX_ATTEMPTS runs; "
        "deletes import files past IMPORT_FILE_RETENTION_DAYS)"
    )

    def handle(self, *args, worker_id: str, reload: bool, batch: bool, **options) -> None:
        # Under the autoreloader the parent only watches files: the child does the work.
        working = not (reload and not batch) or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        heartbeat = Heartbeat(worker_id) if working else None
        if heartbeat is not None:
            requeue_own(worker_id)
            heartbeat.start()
        try:
            super().handle(*args, worker_id=worker_id, reload=reload, batch=batch, **options)
        finally:
            if heartbeat is not None:
                heartbeat.stop()
