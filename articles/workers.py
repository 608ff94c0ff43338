"""Task workers' heartbeats, and the rescue of tasks whose worker died mid-run.

django-tasks-db marks a task RUNNING when a worker claims it and nothing else: a worker killed
with SIGKILL leaves it RUNNING for ever. Workers started by `manage.py db_worker` (this project's
version) report every few seconds; a RUNNING task whose worker stopped reporting is made READY
again (the tasks are written to be run twice safely), until it has run TASK_MAX_ATTEMPTS times:
then it is failed, and its batch or article says why.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from articles.models import WorkerHeartbeat
from articles.refresh import refresh_due
from articles.retention import purge_import_files
from articles.retries import report_failure, times

logger = logging.getLogger(__name__)

PURGE_EVERY_SECONDS = 3600
# A save's own refresh runs within moments of its answer; older flags were left by a process
# that stopped in between (articles/refresh.py).
REFRESH_GRACE = timedelta(seconds=60)


def beat(worker_id: str) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": timezone.now(), "hostname": socket.gethostname(), "pid": os.getpid()},
    )


def alive_workers() -> QuerySet[WorkerHeartbeat]:
    cutoff = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    return WorkerHeartbeat.objects.filter(seen_at__gte=cutoff)


class WorkerStopped(Exception):
    """Recorded as the error of a task whose worker stopped under it too often to run it again."""


def attempts(task) -> int:
    """How often this work has run: earlier results of it (see articles/retries.py), plus every
    claim of this result, since django-tasks-db appends a worker id at each claim."""
    earlier = (task.args_kwargs.get("kwargs") or {}).get("attempt", 1) - 1
    return earlier + len(task.worker_ids)


def rescue(tasks: list) -> int:
    """Make stranded tasks READY again, or fail those out of attempts; return how many rerun.

    A task that stopped its worker (an import eating all memory, say) would otherwise be run,
    and stop the next worker, for ever.
    """
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    requeued = 0
    for task in tasks:
        still_running = DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.RUNNING)
        if attempts(task) < settings.TASK_MAX_ATTEMPTS:
            requeued += still_running.update(status=TaskResultStatus.READY, started_at=None)
            continue
        reason = (
            f"stopped {times(len(task.worker_ids))} while running; not retried (the worker "
            "running it died, for example out of memory or killed)"
        )
        failed = still_running.update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path=f"{WorkerStopped.__module__}.{WorkerStopped.__qualname__}",
            traceback=f"WorkerStopped: {reason} (workers {', '.join(task.worker_ids)})",
            return_value=None,
        )
        if failed:
            logger.error("Task %s (%s) %s", task.pk, task.task_path, reason)
            _report(task, reason=reason)
    if requeued:
        logger.warning("Requeued %d task(s) left running by a worker that stopped", requeued)
    return requeued


def _report(task, *, reason: str) -> None:
    """Tell the batch or article the task worked for (tasks say how through `retried`)."""
    try:
        target = import_string(task.task_path)
    except ImportError:
        logger.exception("Task %s names no task that can be loaded", task.pk)
        return
    report = getattr(getattr(target, "func", None), "report_failure", None)
    if report is not None:
        call = task.args_kwargs
        report_failure(report, call.get("args", []), call.get("kwargs", {}), reason=reason)


def requeue_stranded() -> int:
    """Rerun (or give up on) tasks whose worker has stopped reporting; return how many rerun."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    alive = set(alive_workers().values_list("worker_id", flat=True))
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    return rescue(
        [
            task
            for task in running.only("pk", "worker_ids", "task_path", "args_kwargs")
            if not task.worker_ids or task.worker_ids[-1] not in alive
        ]
    )


def requeue_own(worker_id: str) -> int:
    """At start: tasks still RUNNING under this worker's id are left from its previous life."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    return rescue(
        [
            task
            for task in running.only("pk", "worker_ids", "task_path", "args_kwargs")
            if task.worker_ids and task.worker_ids[-1] == worker_id
        ]
    )


def forget_dead_workers() -> None:
    cutoff = timezone.now() - timedelta(days=1)
    WorkerHeartbeat.objects.filter(seen_at__lt=cutoff).delete()


class Heartbeat(threading.Thread):
    """Reports for a worker every WORKER_HEARTBEAT_SECONDS, rescues stranded tasks, refreshes
    articles a save left outdated (articles/refresh.py) and, once an hour, deletes import files
    past their retention (articles/retention.py)."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopping = threading.Event()
        self.next_purge = 0.0

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                close_old_connections()
                self.tick()
            except Exception:  # A missed beat is retried; the worker itself must go on.
                logger.exception("Worker heartbeat failed")
            self.stopping.wait(settings.WORKER_HEARTBEAT_SECONDS)
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        finally:
            connection.close()

    def tick(self) -> None:
        beat(self.worker_id)
        requeue_stranded()
        forget_dead_workers()
        refresh_due(older_than=REFRESH_GRACE, limit=100)
        if time.monotonic() >= self.next_purge:
            # Scheduled before it runs: a purge that fails waits an hour, not a heartbeat.
            self.next_purge = time.monotonic() + PURGE_EVERY_SECONDS
            purged = purge_import_files()
            if purged.files or purged.strays:
                logger.info("Import files past retention: %s", purged.line())

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=10)
