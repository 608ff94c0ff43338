"""What other apps add to the review page, registered from their `AppConfig.ready()`.

The page is articles' own; marks inside a segment's text (annotations' mentions) and extra page
context come from apps above it, which articles never imports. (What is wrong with a row is its
stored quality checks, to which apps add checks of their own: articles/quality.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from django.utils.html import escape

from articles.models import Article, Segment


class RowMarks(Protocol):
    """A set of rows' text as HTML."""

    def html(self, segment: Segment, side: str) -> str: ...


class PlainRows:
    """Rows without marks: the text escaped."""

    def __init__(self, segments: list[Segment]) -> None:
        pass

    def html(self, segment: Segment, side: str) -> str:
        return escape(segment.source_text if side == "source" else segment.target_text)


_row_marks: Callable[[list[Segment]], RowMarks] = PlainRows
_page_parts: list[Callable[[Article], dict]] = []


def contribute(
    *,
    rows: Callable[[list[Segment]], RowMarks] | None = None,
    page: Callable[[Article], dict] | None = None,
) -> None:
    """Mark the rows' text with `rows(segments)`; add `page(article)` to the page's context."""
    global _row_marks
    if rows is not None:
        _row_marks = rows
    if page is not None and page not in _page_parts:
        _page_parts.append(page)


def row_marks(segments: list[Segment]) -> RowMarks:
    return _row_marks(segments)


def page_context(article: Article) -> dict:
    context: dict = {}
    for part in _page_parts:
        context.update(part(article))
    return context
