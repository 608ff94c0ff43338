"""One article (or segment) as the API shows it: the article with its tags, and its segments, in
two plain statements sent together (one round trip to PostgreSQL).

The list page counts segments in SQL (Article.objects.with_counts) for fifty articles at once;
for one article whose segments are read anyway, the same figures come from the rows in hand.
The statements are written out rather than built by the ORM, whose compiling of them cost more
than running them; articles.rows turns the rows into models with every field converted.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from django.contrib.auth import get_user_model

from articles import rows
from articles.comments.models import Comment
from articles.models import Article, Segment, SegmentKind, SegmentStatus, Tag


class _Statements(NamedTuple):
    article: str
    segments: str
    segment: str


@cache
def _statements() -> _Statements:
    users = get_user_model()._meta.db_table
    articles, segments = Article._meta.db_table, Segment._meta.db_table
    tags, links = Tag._meta.db_table, Article.tags.through._meta.db_table
    article_columns, segment_columns = rows.columns(Article, "a"), rows.columns(Segment, "s")
    # One row per tag (one row with a null tag_name if none), the tags in name order.
    article = (
        f"SELECT {article_columns}, ua.username AS assignee_name, ur.username AS reviewer_name, "
        f"t.name AS tag_name FROM {articles} a "
        f"LEFT JOIN {users} ua ON ua.id = a.assignee_id "
        f"LEFT JOIN {users} ur ON ur.id = a.reviewer_id "
        f"LEFT JOIN {links} l ON l.article_id = a.id LEFT JOIN {tags} t ON t.id = l.tag_id "
        f"WHERE a.id = %s ORDER BY t.name"
    )
    listed = (
        f"SELECT {segment_columns}, u.username AS updated_by_name, EXISTS (SELECT 1 FROM "
        f"{Comment._meta.db_table} c WHERE c.segment_id = s.id AND c.resolved_at IS NULL) "
        f"AS open_thread FROM {segments} s LEFT JOIN {users} u ON u.id = s.updated_by_id "
        f"WHERE s.article_id = %s ORDER BY s.position"
    )
    row = (
        f"SELECT {segment_columns}, u.username AS updated_by_name FROM {segments} s "
        f"LEFT JOIN {users} u ON u.id = s.updated_by_id WHERE s.id = %s"
    )
    return _Statements(article, listed, row)


def article_detail(pk: int) -> tuple[Article, list[Segment]]:
    """The article, with `tag_names`, `assignee_name`, `reviewer_name` and every figure of the
    list page set on it, and its segments (each with `updated_by_name`); raise
    Article.DoesNotExist if there is none."""
    statements = _statements()
    found, segments = rows.read_together(
        (Article, statements.article, [pk]), (Segment, statements.segments, [pk])
    )
    if not found:
        raise Article.DoesNotExist(pk)
    article = found[0]
    article.tag_names = [row.tag_name for row in found if row.tag_name is not None]
    count_segments(article, segments)
    article.open_threads = sum(1 for segment in segments if segment.open_thread)
    return article, segments


def segment_detail(pk: int) -> Segment:
    """The segment with `updated_by_name`; raise Segment.DoesNotExist if there is none."""
    segment = next(iter(rows.read(Segment, _statements().segment, [pk])), None)
    if segment is None:
        raise Segment.DoesNotExist(pk)
    return segment


def count_segments(article: Article, segments: list[Segment]) -> None:
    """Set what the API's answer takes from with_counts() and the title annotation: counts by
    status, failing checks and the title's translation."""
    statuses = [segment.status for segment in segments]
    article.segment_count = len(segments)
    article.edited_count = statuses.count(SegmentStatus.EDITED)
    article.approved_count = statuses.count(SegmentStatus.APPROVED)
    article.translated_count = len(statuses) - statuses.count(SegmentStatus.EMPTY)
    article.failing_checks = sum(segment.failing_checks for segment in segments)
    titles = [s.target_text for s in segments if s.kind == SegmentKind.TITLE]
    article.title_translation = titles[0] if titles else None
