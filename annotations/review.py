"""Annotations' part of the review page (articles/review_parts.py): mentions marked in the
rows and the article's entities beside them. (A tagged entity missing from the English is the
`entities` quality check: annotations/checks.py.)"""

from __future__ import annotations

from annotations.failures import failures_for
from annotations.highlight import highlight
from annotations.models import EntityType, Mention
from articles.models import Article, Segment


class SegmentMentions:
    """The mentions of a set of segments, fetched in one query."""

    def __init__(self, segments: list[Segment]) -> None:
        mentions = list(
            Mention.objects.filter(segment__in=[s.pk for s in segments]).select_related("entity")
        )
        self._by_side: dict[tuple[int, str], list[Mention]] = {}
        for mention in mentions:
            self._by_side.setdefault((mention.segment_id, mention.side), []).append(mention)

    def html(self, segment: Segment, side: str) -> str:
        text = segment.source_text if side == "source" else segment.target_text
        return highlight(text, self._by_side.get((segment.pk, side), ()))


def review_context(article: Article) -> dict:
    return {
        "entities": Mention.objects.article_entities(article_id=article.pk),
        "entity_types": EntityType.choices,
        "suggestion_failures": failures_for(article_id=article.pk),
    }
