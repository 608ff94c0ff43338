"""Re-anchoring: target-side mentions follow a corrected text through a diff of old and new."""

from __future__ import annotations

import difflib
from functools import cache

from django.db import connection
from django.utils import timezone

from annotations.models import Mention, MentionSide
from articles.rows import read
from articles.text.chars import is_word_char

_CACHE_KEY = "annotations.mentions"


def segment_mentions(segment_id: int, cache: dict | None = None) -> list[Mention]:
    """All mentions of a segment; read once for every piece of one write that shares `cache`
    (the writer holds the segment's row lock, under which no mention changes)."""
    if cache is not None and _CACHE_KEY in cache:
        return cache[_CACHE_KEY]
    if cache is not None and getattr(cache.get("segment"), "has_mentions", True) is False:
        cache[_CACHE_KEY] = []  # read with the save's lock (annotations.apps): none to read
        return []
    found = read(Mention, _mentions_statement(), [segment_id])
    if cache is not None:
        cache[_CACHE_KEY] = found
    return found


@cache
def _mentions_statement() -> str:
    """A save's hot path: written out rather than compiled each time, in Mention's order."""
    order = ", ".join(
        f"{connection.ops.quote_name(field.lstrip('-'))}{' DESC' * field.startswith('-')}"
        for field in Mention._meta.ordering
    )
    return f"SELECT * FROM {Mention._meta.db_table} WHERE segment_id = %s ORDER BY {order}"


def reanchor(*, segment_id: int, old: str, new: str, cache: dict | None = None) -> None:
    """Move target-side mentions with the text around them after an edit.

    A mention whose own text was changed is flagged `needs_review` (offsets mapped as well as
    the diff allows), never silently moved onto other words; one whose text was deleted outright
    goes. `cache`: what the write read before (segment_mentions).
    """
    mentions = [m for m in segment_mentions(segment_id, cache) if m.side == MentionSide.TARGET]
    if not mentions or old == new:
        return
    blocks = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()

    def position(offset: int, *, at_end: bool) -> tuple[int, bool]:
        """Map a start (or end) offset of `old` into `new`; say whether it sat in kept text.

        Insertions exactly at a boundary fall outside the span; inside it they change its text.
        """
        for op, i1, i2, j1, j2 in blocks:
            if i1 == i2:
                continue
            if (i1 < offset <= i2) if at_end else (i1 <= offset < i2):
                if op == "equal":
                    return j1 + offset - i1, True
                return (j2 if at_end else j1), False
        return len(new), False

    def edge(text: str, index: int) -> bool:
        return 0 <= index < len(text) and is_word_char(text[index])

    moved, gone, now = [], [], timezone.now()
    for mention in mentions:
        start, start_kept = position(mention.start, at_end=False)
        end, end_kept = position(mention.end, at_end=True)
        # Same characters, but now glued to a new word ("Russia" in "Russians"): not the same.
        same_edges = edge(old, mention.start - 1) == edge(new, start - 1) and edge(
            old, mention.end
        ) == edge(new, end)
        covered_unchanged = (
            start_kept and end_kept and same_edges and new[start:end] == mention.text
        )
        if covered_unchanged:
            mention.start, mention.end = start, end
        else:
            start, end = min(start, len(new)), min(end, len(new))
            if start >= end:
                gone.append(mention.pk)
                continue
            mention.start, mention.end = start, end
            mention.needs_review = True
        mention.updated_at = now
        moved.append(mention)
    if gone:
        Mention.objects.filter(pk__in=gone).delete()
    Mention.objects.bulk_update(moved, ["start", "end", "needs_review", "updated_at"])
