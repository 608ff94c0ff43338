"""Background tasks: run by `manage.py db_worker` (or immediately in tests)."""

from __future__ import annotations

from pathlib import PurePath

from django_tasks import task

from articles.importers.source import ImportSource
from articles.models import ImportBatch
from articles.mt.translate import translate_article as apply_translation
from articles.services import run_batch


@task()
def run_import_batch(batch_id: int) -> dict:
    """Import the file uploaded for a batch (admin page or REST)."""
    batch = ImportBatch.objects.get(pk=batch_id)
    name = batch.filename or PurePath(batch.file.name).name
    source = ImportSource(name=name, opener=lambda: batch.file.open("rb"), size=batch.file.size)
    summary = run_batch(batch=batch, sources=[source])
    return {"summary": summary.line(), "unusable": summary.unusable}


@task()
def translate_article(article_id: int, again: bool = False) -> dict:
    """Machine-translate one article's empty segments (translation memory first); with
    `again`, also the segments no person has touched since machine translation."""
    return apply_translation(article_id=article_id, again=again).as_dict()
