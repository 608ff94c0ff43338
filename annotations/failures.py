"""Entity suggestions that failed in the background: recorded for the page that expects them.

A suggestion task that gives up (annotations/tasks.py) leaves one line here; the review page
and the knowledge-base page show it, and the next success for that article clears it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from annotations.models import SuggestionFailure


def record_failure(*, article_id: int | None, reason: str) -> None:
    """`article_id` None: the refresh of every article after a knowledge-base change failed."""
    SuggestionFailure.objects.update_or_create(article_id=article_id, defaults={"reason": reason})


def clear_failures(*, article_id: int | None) -> None:
    """Checked before it deletes: most runs have nothing to clear, and on SQLite even an empty
    DELETE would wait for the write lock."""
    failures = SuggestionFailure.objects.filter(article_id=article_id)
    if failures.exists():
        failures.delete()


def failures_for(*, article_id: int) -> QuerySet[SuggestionFailure]:
    """What the review page shows: this article's failure and a failed refresh of them all."""
    return SuggestionFailure.objects.filter(Q(article_id=article_id) | Q(article__isnull=True))


def refresh_failure() -> SuggestionFailure | None:
    return SuggestionFailure.objects.filter(article__isnull=True).first()
