"""Machine translation of many articles at once (the list page's selection or filter), and the
overall progress of such a run: how many of its articles are translated so far."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Q, QuerySet

from articles.models import Article, ArticleStatus, TranslationRun
from articles.mt.packages import require_model
from articles.tasks import request_translation


def needs_translation() -> Q:
    """Articles machine translation has not finished: new, stranded, or whose last run failed."""
    return Q(status__lt=ArticleStatus.TRANSLATED) | ~Q(mt_error="")


def start_run(*, articles: QuerySet[Article], user) -> TranslationRun:
    """Queue the selected articles that still need translation, as one run; the others are
    counted as skipped. Raises PackageError when no model is installed (nothing is queued)."""
    require_model()
    selected = articles.order_by().values_list("pk", flat=True)
    wanted = list(articles.filter(needs_translation()).order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        run = TranslationRun.objects.create(
            created_by=user if user and user.is_authenticated else None,
            skipped=selected.count() - len(wanted),
        )
        Through = TranslationRun.articles.through
        Through.objects.bulk_create(
            [Through(translationrun_id=run.pk, article_id=pk) for pk in wanted], batch_size=1000
        )
        request_translation(wanted)
    return run


def run_progress(run: TranslationRun) -> dict:
    """How far a run has come: articles translated, failed, and still waiting."""
    counts = run.articles.aggregate(
        total=Count("id"),
        translated=Count("id", filter=Q(status__gte=ArticleStatus.TRANSLATED, mt_error="")),
        failed=Count("id", filter=~Q(mt_error="")),
    )
    waiting = counts["total"] - counts["translated"] - counts["failed"]
    return {"id": run.pk, "skipped": run.skipped, **counts, "waiting": waiting}
