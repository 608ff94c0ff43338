"""The API's JSON for a segment and for one article with its segments, built field by field.

These are the answers of the desk's busiest requests (a save, a segment, an article). DRF builds
a ModelSerializer's fields anew for every instance it serializes, which costs more than the
queries behind the answer; here the same JSON comes straight from the rows.
SegmentSerializer and ArticleDetailSerializer stay the API's schema, and tests hold the two to
the same output (tests/articles/test_representation.py).
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from articles.models import Article, ArticleStatus, Segment, SegmentStatus

_DATETIME = serializers.DateTimeField()
_STATUS = dict(SegmentStatus.choices)
_ARTICLE_STATUS = dict(ArticleStatus.choices)


def _when(value) -> str | None:
    return None if value is None else _DATETIME.to_representation(value)


def segment_data(segment: Segment, *, updated_by: str | None) -> dict[str, Any]:
    """SegmentSerializer(segment).data, with the username of `updated_by` given."""
    low_confidence = []
    if segment.mt_text and segment.target_text == segment.mt_text:
        low_confidence = [
            {"start": start, "end": end} for start, end in segment.mt_low_confidence or []
        ]
    return {
        "id": segment.pk,
        "article": segment.article_id,
        "position": segment.position,
        "kind": segment.kind,
        "paragraph": segment.paragraph,
        "source_text": segment.source_text,
        "mt_text": segment.mt_text,
        "mt_model": segment.mt_model,
        "mt_confidence": segment.mt_confidence,
        "mt_low_confidence": low_confidence,
        "checks": [
            {
                "check": str(finding["check"]),
                "message": str(finding["message"]),
                "start": finding.get("start"),
                "end": finding.get("end"),
            }
            for finding in segment.checks or []
        ],
        "target_text": segment.target_text,
        "status": str(_STATUS[segment.status]),
        "version": segment.version,
        "edit_distance": segment.edit_distance,
        "edit_seconds": segment.edit_seconds,
        "updated_at": _when(segment.updated_at),
        "updated_by": updated_by,
    }


def article_data(article: Article, segments: list[Segment]) -> dict[str, Any]:
    """ArticleDetailSerializer(article).data for an article read by articles.detail."""
    return {
        "id": article.pk,
        "url": article.url,
        "external_id": article.external_id,
        "title": article.title,
        "title_translation": article.title_translation or "",
        "status": str(_ARTICLE_STATUS[article.status]),
        "source_language": article.source_language,
        "target_language": article.target_language,
        "published_at": _when(article.published_at),
        "scraped_at": _when(article.scraped_at),
        "tags": article.tag_names,
        "segment_count": article.segment_count,
        "edited_count": article.edited_count,
        "approved_count": article.approved_count,
        "translated_count": article.translated_count,
        "failing_checks": article.failing_checks,
        "mt_error": article.mt_error,
        "assignee": article.assignee_id,
        "assignee_name": article.assignee_name,
        "reviewer": article.reviewer_id,
        "reviewer_name": article.reviewer_name,
        "due_at": _when(article.due_at),
        "open_threads": article.open_threads,
        "created_at": _when(article.created_at),
        "updated_at": _when(article.updated_at),
        "segments": [segment_data(s, updated_by=s.updated_by_name) for s in segments],
        "raw_text": article.raw_text,
    }
