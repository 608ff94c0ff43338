"""Task workers' heartbeats, and the rescue of tasks whose worker died mid-run.

django-tasks-db marks a task RUNNING when a worker claims it and nothing else: a worker killed
with SIGKILL leaves it RUNNING for ever. Workers started by `manage.py db_worker` (this project's
version) report every few seconds; a RUNNING task whose worker stopped reporting is made READY
again, and the tasks are written to be run twice safely.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import QuerySet
from django.utils import timezone

from articles.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def beat(worker_id: str) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": timezone.now(), "hostname": socket.gethostname(), "pid": os.getpid()},
    )


def alive_workers() -> QuerySet[WorkerHeartbeat]:
    cutoff = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    return WorkerHeartbeat.objects.filter(seen_at__gte=cutoff)


def requeue_stranded() -> int:
    """Make tasks READY again whose worker has stopped reporting; return how many."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    alive = set(alive_workers().values_list("worker_id", flat=True))
    stranded = [
        task.pk
        for task in DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, started_at__lt=cutoff
        ).only("pk", "worker_ids")
        if not task.worker_ids or task.worker_ids[-1] not in alive
    ]
    if not stranded:
        return 0
    count = DBTaskResult.objects.filter(pk__in=stranded, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, started_at=None
    )
    logger.warning("Requeued %d task(s) left running by a worker that stopped", count)
    return count


def requeue_own(worker_id: str) -> int:
    """At start: tasks still RUNNING under this worker's id are left from its previous life."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    stranded = [
        task.pk
        for task in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only(
            "pk", "worker_ids"
        )
        if task.worker_ids and task.worker_ids[-1] == worker_id
    ]
    return DBTaskResult.objects.filter(pk__in=stranded, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, started_at=None
    )


def forget_dead_workers() -> None:
    cutoff = timezone.now() - timedelta(days=1)
    WorkerHeartbeat.objects.filter(seen_at__lt=cutoff).delete()


class Heartbeat(threading.Thread):
    """Reports for a worker every WORKER_HEARTBEAT_SECONDS and rescues stranded tasks."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                close_old_connections()
                beat(self.worker_id)
                requeue_stranded()
                forget_dead_workers()
            except Exception:  # A missed beat is retried; the worker itself must go on.
                logger.exception("Worker heartbeat failed")
            self.stopping.wait(settings.WORKER_HEARTBEAT_SECONDS)
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=10)
