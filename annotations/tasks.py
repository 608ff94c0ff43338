"""Background tasks of the annotations app (run by `manage.py db_worker`).

Both are `retried` (articles/retries.py): a passing database error runs them again, and when
they give up the failure is shown on the review page or the knowledge-base page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from django_tasks import task

from annotations.failures import clear_failures, record_failure
from annotations.suggestions import gazetteer, suggest_for_article
from articles.models import Article, ArticleStatus
from articles.retries import retried

logger = logging.getLogger(__name__)


def article_suggestions_failed(article_id: int, *, reason: str) -> None:
    record_failure(article_id=article_id, reason=f"entity suggestions {reason}")


def refresh_failed(*, reason: str) -> None:
    record_failure(
        article_id=None,
        reason=f"refreshing entity suggestions after a knowledge-base change {reason}",
    )


@task()
@retried(report=article_suggestions_failed)
def suggest_article(article_id: int) -> dict:
    """Suggest entities in one article; queued once its machine translation is committed."""
    return {"article": article_id, "suggested": suggest_for_article(article_id=article_id)}


@task()
@retried(report=refresh_failed)
def refresh_suggestions() -> dict:
    """After the knowledge base changes: suggest again in every article not yet approved.

    An article that fails is handed to its own `suggest_article` task, so it cannot stop the
    others; a knowledge base that cannot be read fails (and retries) the whole refresh.
    """
    gazetteer()
    total = handed_on = 0
    for article_id in _articles_to_refresh():
        try:
            total += suggest_for_article(article_id=article_id)
        except Exception:
            logger.exception("Suggestions for article %s failed; queued on their own", article_id)
            suggest_article.enqueue(article_id)
            handed_on += 1
    clear_failures(article_id=None)
    return {"suggested": total, "retried_alone": handed_on}


def _articles_to_refresh(chunk: int = 500) -> Iterator[int]:
    """Ids of articles not yet approved, read a chunk at a time into a list.

    Never through an open cursor (`.iterator()`): on SQLite an unfinished SELECT keeps a read
    transaction open, and a write made inside it cannot wait for the lock like other writes;
    it fails at once with "database is locked" whenever another process has written meanwhile.
    """
    last = 0
    pending = Article.objects.filter(status__lt=ArticleStatus.APPROVED).order_by("pk")
    while True:
        ids = list(pending.filter(pk__gt=last).values_list("pk", flat=True)[:chunk])
        yield from ids
        if len(ids) < chunk:
            return
        last = ids[-1]
