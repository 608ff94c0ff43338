"""What the site tells users about machine translation: model, workers, progress."""

from __future__ import annotations

from django.db.models import Count, Q

from articles.models import Article, ArticleStatus, ImportBatch
from articles.mt.packages import find_package
from articles.mt.translate import progress
from articles.workers import alive_workers


def mt_status() -> dict:
    from django_tasks_db.models import DBTaskResult

    package = find_package()
    return {
        "model": package.label if package else None,
        "test_model": bool(package and package.is_test_model),
        "workers_alive": alive_workers().count(),
        "tasks_waiting": DBTaskResult.objects.ready().count(),
        "tasks_running": DBTaskResult.objects.running().count(),
    }


def translation_state(article: Article) -> dict:
    """An article's translation progress, with the reason it may be stuck."""
    package = find_package()
    workers = alive_workers().count()
    counts = progress(article)
    warning = ""
    if package is None:
        warning = "no fa→en model is installed: run manage.py mt install --file PATH.argosmodel"
    elif article.status == ArticleStatus.TRANSLATING and not workers:
        warning = "queued, but no task worker is running: start manage.py db_worker"
    return {
        "article": article.pk,
        "status": ArticleStatus(article.status).label,
        "translated": counts["translated"],
        "total": counts["total"],
        "model": package.label if package else None,
        "test_model": bool(package and package.is_test_model),
        "workers_alive": workers,
        "error": article.mt_error,
        "warning": warning,
    }


def batch_translation(batch: ImportBatch) -> dict:
    """How many of an import batch's articles machine translation has finished."""
    counts = batch.articles.aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status__gte=ArticleStatus.TRANSLATED)),
        failed=Count("id", filter=~Q(mt_error="")),
    )
    return {**counts, "waiting": counts["total"] - counts["done"] - counts["failed"]}


def translation_readiness() -> dict:
    """Whether a Translate button can do anything now, and if not, what to do about it.

    Translation needs an installed fa→en model and something to run the task: a live worker, or
    a task backend that runs tasks in the web process (tests, the immediate backend).
    """
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks.backends.immediate import ImmediateBackend

    package = find_package()
    in_process = isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend)
    reason = ""
    if package is None:
        reason = (
            "No translation model is installed: run manage.py mt install --file PATH.argosmodel"
        )
    elif not in_process and not alive_workers().exists():
        reason = "No task worker is running, so nothing would translate: start manage.py db_worker"
    return {
        "ready": not reason,
        "reason": reason,
        "model": package.label if package else None,
        "test_model": bool(package and package.is_test_model),
    }
