"""The figures the article list sorts by, stored on each article: its approved and edited
segments, its failing checks and its machine translation's least confidence (`sort_*`).

Counted from the segments at every look, a sort by them over a million articles read every
matching article's segments (6–8 s for a common word); stored and indexed, the list reads the
first page from an index. The figures the pages show are still counted from the segments
(Article.objects.with_counts()): these only order the list.

Every writer of a segment's status, checks or confidence stores them again: a save through the
refresh after its answer (articles/refresh.py, which the save's flag makes due, so a process
stopping in between leaves the work to the sweep), everything else in its own transaction
(`store_figures`). `manage.py refresh_articles --all` counts every article's anew.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from articles.models import Article, Segment, SegmentStatus

FIELDS = ("sort_approved", "sort_edited", "sort_failing_checks", "sort_confidence")
# What each segment contributes, in the order figures_of() takes it.
SEGMENT_FIELDS = ("status", "failing_checks", "mt_confidence")

Figures = tuple[int, int, int, float | None]


def figures_of(segments: Iterable[tuple[int, int, float | None]]) -> Figures:
    """The `FIELDS` of an article whose segments have these (status, failing checks, MT
    confidence)."""
    approved = edited = failing = 0
    least = None
    for status, failing_checks, confidence in segments:
        approved += status == SegmentStatus.APPROVED
        edited += status == SegmentStatus.EDITED
        failing += failing_checks
        if confidence is not None and (least is None or confidence < least):
            least = confidence
    return approved, edited, failing, least


def store_figures(article_ids: Iterable[int]) -> None:
    """Count these articles' figures from their segments and store those that changed.

    The articles' rows are locked first, in id order as every writer that locks several takes
    them: of two writers the later one reads and writes last."""
    ids = sorted(set(article_ids))
    if not ids:
        return
    with transaction.atomic():
        locked = Article.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        stored = {pk: tuple(figures) for pk, *figures in locked.values_list("pk", *FIELDS)}
        segments: dict[int, list[tuple]] = {pk: [] for pk in stored}
        rows = Segment.objects.filter(article_id__in=stored).values_list(
            "article_id", *SEGMENT_FIELDS
        )
        for article_id, *values in rows:
            segments[article_id].append(values)
        changed = []
        for pk, before in stored.items():
            figures = figures_of(segments[pk])
            if figures != before:
                changed.append(Article(pk=pk, **dict(zip(FIELDS, figures, strict=True))))
        if changed:
            Article.objects.bulk_update(changed, FIELDS)
