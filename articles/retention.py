"""Uploaded import files are kept IMPORT_FILE_RETENTION_DAYS after their import, then deleted.

The batch record stays with its counts, errors and notes; only the file goes, and the batch page
says when. Run by `manage.py purge_imports` and, once an hour, by every task worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from articles.models import ImportBatch, ImportStatus


@dataclass
class Purged:
    files: int = 0
    strays: int = 0

    def line(self) -> str:
        return f"removed {self.files} import file(s) and {self.strays} stray upload(s)"


def purge_import_files(*, days: int | None = None, now: datetime | None = None) -> Purged:
    """Delete the files of imports that ended more than `days` ago (default: the setting).

    Queued and running batches keep their files whatever their age: a worker still needs them.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS if days is None else days)
    storage = ImportBatch._meta.get_field("file").storage
    ended = (
        ImportBatch.objects.filter(status__in=[ImportStatus.DONE, ImportStatus.FAILED])
        .exclude(file="")
        .filter(Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff))
    )
    purged = Purged()
    for pk, name in list(ended.values_list("pk", "file")):
        # The record first: a crash in between leaves a stray file for the sweep below, never
        # a batch naming a file that is gone.
        if ImportBatch.objects.filter(pk=pk, file=name).update(file="", file_removed_at=now):
            storage.delete(name)
            purged.files += 1
    purged.strays = _remove_strays(storage, cutoff)
    return purged


def _remove_strays(storage, cutoff: datetime) -> int:
    """Old uploads no batch names (their batch was deleted in the admin)."""
    folder = ImportBatch._meta.get_field("file").upload_to.split("/", 1)[0]
    removed = 0
    for name in _files_under(storage, folder):
        if storage.get_modified_time(name) >= cutoff:
            continue
        if not ImportBatch.objects.filter(file=name).exists():
            storage.delete(name)
            removed += 1
    return removed


def _files_under(storage, folder: str) -> list[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    found = [f"{folder}/{name}" for name in files]
    for child in folders:
        found.extend(_files_under(storage, f"{folder}/{child}"))
    return found
