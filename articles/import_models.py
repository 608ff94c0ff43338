"""Import batches: one upload or command-line import, its progress and its outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ImportFormat(models.TextChoices):
    AUTO = "auto"
    TXT = "txt"
    HTML = "html"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    ZIP = "zip"


class ImportBatch(models.Model):
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    filename = models.CharField(max_length=255, blank=True)
    format = models.CharField(max_length=8, choices=ImportFormat.choices, default=ImportFormat.AUTO)
    source_language = models.CharField(max_length=8, default="fa")
    translate = models.BooleanField(
        default=False, help_text="Queue machine translation of the imported articles."
    )
    status = models.CharField(
        max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    bytes_total = models.PositiveBigIntegerField(default=0)
    bytes_read = models.PositiveBigIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True, help_text="Why the whole file could not be used.")
    file_removed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the uploaded file was deleted, its retention over; the batch stays.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"Import #{self.pk} {self.filename}"

    @property
    def progress_percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        if not self.bytes_total:
            return 0
        return min(99, int(100 * self.bytes_read / self.bytes_total))
