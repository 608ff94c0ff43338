"""Background tasks: run by `manage.py db_worker` (or immediately in tests).

Each is `retried` (articles/retries.py): a passing database error runs it again, and when it
gives up, its batch or article page says why.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from articles.import_runs import run_batch
from articles.importers.source import ImportSource
from articles.models import Article, ArticleStatus, ImportBatch, ImportStatus
from articles.mt.packages import PackageError, require_model
from articles.mt.translate import apply_translation
from articles.retries import retried


def batch_failed(batch_id: int, *, reason: str) -> None:
    """The batch page shows why, and the batch no longer reads as queued or running."""
    ImportBatch.objects.filter(
        pk=batch_id, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]
    ).update(status=ImportStatus.FAILED, message=f"import {reason}", finished_at=timezone.now())


def translation_failed(article_id: int, *, reason: str, **task_options) -> None:
    """The article page shows why; a reason the translation itself gave is kept.

    `task_options` are the task's other arguments (`again`): the report is the same.
    """
    Article.objects.filter(pk=article_id, mt_error="").update(
        mt_error=f"machine translation {reason}", updated_at=timezone.now()
    )


@task()
@retried(report=batch_failed)
def run_import_batch(batch_id: int) -> dict:
    """Import the file uploaded for a batch (admin page or REST)."""
    batch = ImportBatch.objects.get(pk=batch_id)
    name = batch.filename or PurePath(batch.file.name).name
    source = ImportSource(name=name, opener=lambda: batch.file.open("rb"), size=batch.file.size)
    summary = run_batch(batch=batch, sources=[source])
    translate_imported(batch)
    return {"summary": summary.line(), "unusable": summary.unusable}


@task()
@retried(report=translation_failed)
def translate_article(article_id: int, again: bool = False) -> dict:
    """Machine-translate one article's empty segments (translation memory first); with
    `again`, also the segments no person has touched since machine translation."""
    return apply_translation(article_id=article_id, again=again).as_dict()


def request_translation(article_ids: Iterable[int], *, again: bool = False) -> list[int]:
    """Mark articles as translating and enqueue one task each (after commit).

    With `again`, rows still as machine translation left them are translated anew as well.
    Raises PackageError when no model is installed: a task that must fail is not queued.
    """
    require_model()
    ids = list(article_ids)
    waiting = [ArticleStatus.NEW, ArticleStatus.TRANSLATED] if again else [ArticleStatus.NEW]
    with transaction.atomic():
        Article.objects.filter(pk__in=ids, status__in=waiting).update(
            status=ArticleStatus.TRANSLATING, mt_error="", updated_at=timezone.now()
        )
        Article.objects.filter(pk__in=ids).exclude(mt_error="").update(mt_error="")
        for article_id in ids:
            transaction.on_commit(
                lambda article_id=article_id: (
                    translate_article.enqueue(article_id, again=again)
                    if again
                    else translate_article.enqueue(article_id)
                )
            )
    return ids


def translate_imported(batch: ImportBatch) -> None:
    """Queue MT for a finished batch's articles if it asked for it; without a model, the
    batch says so."""
    if not batch.translate:
        return
    try:
        request_translation(batch.articles.values_list("pk", flat=True))
    except PackageError as error:
        batch.warnings = [*batch.warnings, {"record": "translation", "reason": str(error)}]
        batch.save(update_fields=["warnings"])
