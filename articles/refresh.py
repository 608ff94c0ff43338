"""An article's derived fields — its search text and status — brought in step with a save, after
the save's answer.

A save flags its segment (`needs_refresh`, in the same UPDATE that writes the text) and queues
`refresh_article` for after its answer (articles/deferred.py). Should the process die in between,
the flag stays: the next refresh of the article (any later save) or the sweep (`refresh_due`,
run by every task worker and by `manage.py refresh_articles`) does the work.

A refresh locks the article's row before it reads the segments, so of two refreshes the later one
reads and writes last. It clears only the flags of the segment versions it read, and skips rows
another transaction holds: a save committing meanwhile keeps its flag for its own refresh. Within
a process, saves of one article that commit while its refresh runs share the next run
(articles/deferred.py), so a busy article is refreshed once per run rather than once per save.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.deferred import after_answer
from articles.models import Article, ArticleStatus, Segment, SegmentStatus
from articles.search_index import store_search_text

HUMAN = (SegmentStatus.EDITED, SegmentStatus.APPROVED)


def status_for(statuses: Iterable[int]) -> ArticleStatus | None:
    """Approved when every segment is; in review once any human work exists; else None (the
    status stays as it is)."""
    statuses = list(statuses)
    if statuses and all(status == SegmentStatus.APPROVED for status in statuses):
        return ArticleStatus.APPROVED
    if any(status in HUMAN for status in statuses):
        return ArticleStatus.IN_REVIEW
    return None


def refresh_after_answer(article_id: int) -> None:
    """Refresh the article once this transaction commits and the answer is sent."""
    after_answer(("articles.refresh", article_id), partial(refresh_article, article_id))


def refresh_article(article_id: int, *, due_only: bool = True) -> bool:
    """Rebuild the article's search text and status from its segments and clear their flags;
    with `due_only`, only if a segment is still flagged. Return whether it ran."""
    with transaction.atomic():
        article = (
            Article.objects.select_for_update()
            .filter(pk=article_id)
            .only("title", "search_text", "status")
            .first()
        )
        if article is None:
            return False
        rows = list(
            Segment.objects.filter(article_id=article_id).values_list(
                "pk", "version", "source_text", "target_text", "status", "needs_refresh"
            )
        )
        due = [(pk, version) for pk, version, *_, flagged in rows if flagged]
        if due_only and not due:
            return False
        texts = [article.title]
        for _, _, source, target, _, _ in rows:
            texts += (source, target)
        changes = {}
        status = status_for(row[4] for row in rows)
        if status is not None and status != article.status:
            changes.update(status=status, updated_at=timezone.now())
        store_search_text(article, texts, **changes)
        if due:
            # Rows a writer holds stay flagged: that writer's refresh comes after.
            read = Q()
            for pk, version in due:
                read |= Q(pk=pk, version=version)
            settled = Segment.objects.filter(read).select_for_update(skip_locked=True)
            Segment.objects.filter(pk__in=settled.values("pk")).update(needs_refresh=False)
    return True


def refresh_due(*, older_than: timedelta | None = None, limit: int | None = None) -> int:
    """The sweep: refresh every article with a flagged segment (saved at least `older_than`
    ago, so that refreshes still on their way are left to finish); return how many ran."""
    flagged = Segment.objects.filter(needs_refresh=True)
    if older_than is not None:
        flagged = flagged.filter(updated_at__lt=timezone.now() - older_than)
    article_ids = flagged.order_by("article_id").values_list("article_id", flat=True).distinct()
    if limit is not None:
        article_ids = article_ids[:limit]
    return sum(refresh_article(article_id) for article_id in list(article_ids))
