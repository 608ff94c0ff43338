"""Task workers' heartbeats (kept apart from articles/models.py, which imports it)."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """A task worker's last sign of life, so the site can tell queued work from stranded work."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
