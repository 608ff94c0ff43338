"""Annotations' quality check, `entities`: an entity tagged in the Persian whose English names the
translation lacks. Registered with articles' checks from the app config; the tagging services
run a segment's checks again whenever its tags change."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

from annotations.anchoring import segment_mentions
from annotations.models import MentionSide
from annotations.suggestions import terminology_gaps
from articles.quality import Context, Finding


def entities(source: str, target: str, context: Context) -> Iterator[Finding]:
    if context.segment_id is None or not target.strip():
        return
    mentions = [
        mention
        for mention in segment_mentions(context.segment_id, context.extra)
        # A target tag counts while its words are still there (a correction being checked
        # has not moved the tags yet).
        if mention.entity_id is not None
        and (
            mention.side == MentionSide.SOURCE
            or target[mention.start : mention.end] == mention.text
        )
    ]
    if not any(mention.side == MentionSide.SOURCE for mention in mentions):
        return
    row = SimpleNamespace(pk=context.segment_id, target_text=target)
    for name in terminology_gaps(segments=[row], mentions=mentions).get(context.segment_id, []):
        yield Finding(
            "entities",
            f"{name} is tagged in the Persian, but none of its English names is in the "
            "translation.",
        )
