"""Uploaded import files are deleted after their retention; the batch and its record stay."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from articles.models import ImportBatch, ImportStatus
from articles.workers import Heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_FILE_RETENTION_DAYS = 30
    return settings.MEDIA_ROOT


def _batch(*, days_ago: int, status: str = ImportStatus.DONE, **fields) -> ImportBatch:
    ended = timezone.now() - timedelta(days=days_ago)
    batch = ImportBatch.objects.create(
        file=SimpleUploadedFile("news.jsonl", b'{"title": "t", "body": "b"}\n'),
        filename="news.jsonl",
        status=status,
        finished_at=ended if status in (ImportStatus.DONE, ImportStatus.FAILED) else None,
        created_count=3,
        failed_count=1,
        errors=[{"record": "line 2", "reason": "no body"}],
        **fields,
    )
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=ended)
    return batch


def _on_disk(media: Path, batch: ImportBatch) -> bool:
    return (media / batch.file.name).exists()


def test_files_past_their_retention_are_removed_and_the_batch_kept(media, staff_user):
    old, recent = _batch(days_ago=31), _batch(days_ago=29)
    old_name = old.file.name

    call_command("purge_imports", stdout=None)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert not (media / old_name).exists() and _on_disk(media, recent)
    assert not old.file and old.file_removed_at is not None
    assert (old.status, old.created_count, old.failed_count) == (ImportStatus.DONE, 3, 1)
    assert old.errors == [{"record": "line 2", "reason": "no body"}]
    assert recent.file and recent.file_removed_at is None

    admin = Client()
    admin.force_login(staff_user)
    page = admin.get(f"/admin/articles/importbatch/{old.pk}/change/").content.decode()
    assert "The uploaded file was removed on" in page and "no body" in page
    api = APIClient()
    api.force_authenticate(staff_user)
    assert api.get(f"/api/v1/imports/{old.pk}/").json()["file_removed_at"]


def test_a_queued_or_running_import_keeps_its_file_whatever_its_age(media):
    queued = _batch(days_ago=90, status=ImportStatus.QUEUED)
    running = _batch(days_ago=90, status=ImportStatus.RUNNING)

    call_command("purge_imports", "--days", "0", stdout=None)

    assert _on_disk(media, queued) and _on_disk(media, running)


def test_the_command_says_what_it_removed_and_refuses_negative_days(media, capsys):
    _batch(days_ago=31, status=ImportStatus.FAILED)

    call_command("purge_imports")

    assert "removed 1 import file(s)" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--days must be 0 or more"):
        call_command("purge_imports", "--days", "-1")


def test_an_old_upload_whose_batch_was_deleted_goes_too(media):
    batch = _batch(days_ago=1)
    path = media / batch.file.name
    batch.delete()
    old = (timezone.now() - timedelta(days=40)).timestamp()
    os.utime(path, (old, old))

    call_command("purge_imports", stdout=None)

    assert not path.exists()


def test_workers_purge_at_most_once_an_hour(media):
    first = _batch(days_ago=31)
    heartbeat = Heartbeat("w1")

    heartbeat.tick()
    second = _batch(days_ago=31)
    heartbeat.tick()

    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.file and second.file  # the second waits for the next hour
    heartbeat.next_purge = 0
    heartbeat.tick()
    second.refresh_from_db()
    assert not second.file
