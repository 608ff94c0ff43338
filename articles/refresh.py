"""An article's derived fields — its search text, status and sort figures (articles/figures.py)
— brought in step with a save, after the save's answer.

A save flags its segment (`needs_refresh`, in the same UPDATE that writes the text) and queues
its article's refresh for after its answer (articles/deferred.py), where the articles of all the
saves answered meanwhile are refreshed together. Should the process die in between,
the flag stays: the next refresh of the article (any later save) or the sweep (`refresh_due`,
run by every task worker and by `manage.py refresh_articles`) does the work.

A refresh locks the article's row before it reads the segments, so of two refreshes the later one
reads and writes last. It clears only the flags of the segment versions it read, and skips rows
another transaction holds: a save committing meanwhile keeps its flag for its own refresh.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.deferred import after_answer
from articles.figures import FIELDS as FIGURES
from articles.figures import figures_of
from articles.models import Article, ArticleStatus, Segment, SegmentStatus
from articles.search import build_search_text, remember_words

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
    after_answer(refresh_articles, article_id)


def refresh_article(article_id: int, *, due_only: bool = True) -> bool:
    """refresh_articles() for one article: whether it ran."""
    return bool(refresh_articles([article_id], due_only=due_only))


def refresh_articles(article_ids: Iterable[int], *, due_only: bool = True) -> int:
    """Rebuild these articles' search texts, statuses and figures from their segments and clear the
    segments' flags, in one transaction of a few statements however many articles; with
    `due_only`, only articles a flagged segment still waits for. Return how many ran."""
    ids = sorted(set(article_ids))
    if not ids:
        return 0
    with transaction.atomic():
        # In id order, as every writer that locks several articles takes them: no deadlock.
        articles = list(
            Article.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .only("title", "search_text", "status", "updated_at", *FIGURES)
        )
        rows: dict[int, list[tuple]] = {article.pk: [] for article in articles}
        for row in Segment.objects.filter(article_id__in=rows).values_list(
            "article_id",
            "pk",
            "version",
            "source_text",
            "target_text",
            "status",
            "needs_refresh",
            "failing_checks",
            "mt_confidence",
        ):
            rows[row[0]].append(row[1:])
        due = {pk: [(r[0], r[1]) for r in found if r[5]] for pk, found in rows.items()}
        if due_only:
            articles = [article for article in articles if due[article.pk]]
        changed, words = [], set()
        for article in articles:
            texts = [article.title]
            for _, _, source, target, *_ in rows[article.pk]:
                texts += (source, target)
            search_text = build_search_text(texts)
            status = status_for(row[4] for row in rows[article.pk])
            if search_text != article.search_text:
                words |= set(search_text.split()) - set(article.search_text.split())
                article.search_text = search_text
                changed.append(article)
            if status is not None and status != article.status:
                article.status, article.updated_at = status, timezone.now()
                changed.append(article)
            figures = figures_of((row[4], row[6], row[7]) for row in rows[article.pk])
            if figures != tuple(getattr(article, name) for name in FIGURES):
                for name, value in zip(FIGURES, figures, strict=True):
                    setattr(article, name, value)
                changed.append(article)
        remember_words(list(words))
        if changed:
            # The article rows are locked: writing back an unchanged field changes nothing.
            unique = list({article.pk: article for article in changed}.values())
            Article.objects.bulk_update(unique, ["search_text", "status", "updated_at", *FIGURES])
        settled = [pair for article in articles for pair in due[article.pk]]
        if settled:
            # Rows a writer holds stay flagged: that writer's refresh comes after.
            read = Q()
            for pk, version in settled:
                read |= Q(pk=pk, version=version)
            locked = Segment.objects.filter(read).select_for_update(skip_locked=True)
            Segment.objects.filter(pk__in=locked.values("pk")).update(needs_refresh=False)
    return len(articles)


def refresh_due(*, older_than: timedelta | None = None, limit: int | None = None) -> int:
    """The sweep: refresh every article with a flagged segment (saved at least `older_than`
    ago, so that refreshes still on their way are left to finish); return how many ran."""
    flagged = Segment.objects.filter(needs_refresh=True)
    if older_than is not None:
        flagged = flagged.filter(updated_at__lt=timezone.now() - older_than)
    article_ids = flagged.order_by("article_id").values_list("article_id", flat=True).distinct()
    if limit is not None:
        article_ids = article_ids[:limit]
    return refresh_in_chunks(list(article_ids))


def refresh_in_chunks(article_ids: list[int], *, due_only: bool = True, chunk: int = 500) -> int:
    return sum(
        refresh_articles(article_ids[first : first + chunk], due_only=due_only)
        for first in range(0, len(article_ids), chunk)
    )
