"""Entity suggestions: knowledge-base names found in an article's text by the gazetteer, and
the terminology gaps it shows (a source-side entity whose English name the target lacks)."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from annotations.failures import clear_failures
from annotations.gazetteer import Gazetteer
from annotations.kb_version import kb_version
from annotations.mentions import side_text
from annotations.models import Entity, Mention, MentionOrigin, MentionSide, RejectedSuggestion
from annotations.spans import fits
from articles.models import Segment
from articles.quality.store import recheck

# The gazetteer: built once per process and knowledge-base version (annotations/kb_version.py).
_gazetteer_lock = threading.Lock()
_gazetteer: tuple[object, Gazetteer] | None = None


def _entries() -> Iterable[tuple[int, str, str, str]]:
    rows = Entity.objects.values_list(
        "id", "type", "name_en", "name_fa", "aliases_en", "aliases_fa"
    )
    for entity_id, kind, name_en, name_fa, aliases_en, aliases_fa in rows.iterator(2000):
        for name in [name_en, *(aliases_en or [])]:
            if name:
                yield entity_id, kind, MentionSide.TARGET, name
        for name in [name_fa, *(aliases_fa or [])]:
            if name:
                yield entity_id, kind, MentionSide.SOURCE, name


def gazetteer() -> Gazetteer:
    global _gazetteer
    version = kb_version()
    with _gazetteer_lock:
        if _gazetteer is None or _gazetteer[0] != version:
            _gazetteer = (version, Gazetteer(_entries()))
        return _gazetteer[1]


def suggest_for_article(*, article_id: int) -> int:
    """Add suggested mentions for every knowledge-base name found in the article; return how
    many. Spans already tagged, rejected before, or crossing a mention are left alone.

    The gazetteer is built first; the article's segments are then locked (in id order) while
    names are matched and inserted, so a correction committing meanwhile is seen whole or waits.
    """
    found = gazetteer()
    with transaction.atomic():
        segments = list(
            Segment.objects.filter(article_id=article_id)
            .select_for_update()
            .only("id", "source_text", "target_text")
            .order_by("pk")
        )
        new = _suggestions(found, article_id=article_id, segments=segments)
        _insert(new)
        recheck({row[0] for row in new})
    clear_failures(article_id=article_id)
    return len(new)


def _suggestions(found: Gazetteer, *, article_id: int, segments: list[Segment]) -> list[tuple]:
    existing: dict[tuple[int, str], list[Mention]] = {}
    for mention in Mention.objects.filter(segment__article_id=article_id):
        existing.setdefault((mention.segment_id, mention.side), []).append(mention)
    rejected = set(
        RejectedSuggestion.objects.filter(segment__article_id=article_id).values_list(
            "segment_id", "side", "start", "end", "entity_id"
        )
    )
    new: list[tuple] = []
    for segment in segments:
        for side in (MentionSide.SOURCE, MentionSide.TARGET):
            text = side_text(segment, side)
            if not text:
                continue
            mentions = existing.get((segment.pk, side), [])
            known = {(m.start, m.end, m.entity_id) for m in mentions}
            spans = {(m.start, m.end) for m in mentions}
            taken = list(spans)
            for match in found.find(text, side):
                key = (match.start, match.end, match.entity_id)
                if key in known or (segment.pk, side, *key) in rejected:
                    continue
                if (match.start, match.end) in spans:
                    continue  # someone already decided what this span is
                if not fits((match.start, match.end), taken):
                    continue
                covered = text[match.start : match.end]
                new.append(
                    (segment.pk, side, match.start, match.end, covered, match.entity_id, match.type)
                )
                known.add(key)
                taken.append((match.start, match.end))
    return new


def _insert(rows: list[tuple]) -> None:
    """Insert suggestions (segment, side, start, end, text, entity, type) in one transaction.

    An article can draw a thousand suggestions; the ORM's bulk_create spends most of its time
    building and compiling each row, so rows go in as arrays (PostgreSQL) or multi-row INSERTs.
    """
    if not rows:
        return
    now = timezone.now()
    table = Mention._meta.db_table
    columns = (
        'segment_id, side, start, "end", text, entity_id, type, origin, needs_review, '
        "created_at, updated_at"
    )
    values = [(*row, MentionOrigin.SUGGESTED.value, False, now, now) for row in rows]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement, eleven array parameters: no per-row placeholders to parse.
            types = "bigint text int int text bigint text text bool timestamptz timestamptz"
            columns_sql = ", ".join(f"%s::{kind}[]" for kind in types.split())
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({columns_sql}) "
                "ON CONFLICT DO NOTHING",
                [list(column) for column in zip(*values, strict=True)],
            )
            return
        one_row = "(" + ", ".join(["%s"] * len(values[0])) + ")"
        for first in range(0, len(values), 500):
            chunk = values[first : first + 500]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one_row] * len(chunk))} "
                "ON CONFLICT DO NOTHING",
                [value for row in chunk for value in row],
            )


def terminology_gaps(*, segments: list[Segment], mentions: list[Mention]) -> dict[int, list[str]]:
    """Per segment: entities tagged in the source whose English names appear nowhere in the
    target — the translation may have dropped or mistranslated them."""
    found = gazetteer()
    by_segment: dict[int, dict[str, set]] = {}
    for mention in mentions:
        if mention.entity_id is None:
            continue
        sides = by_segment.setdefault(mention.segment_id, {"source": set(), "target": set()})
        sides[mention.side].add(mention.entity_id)
    names = dict(
        Entity.objects.filter(
            pk__in={entity for sides in by_segment.values() for entity in sides["source"]}
        ).values_list("pk", "name_en")
    )
    gaps: dict[int, list[str]] = {}
    for segment in segments:
        sides = by_segment.get(segment.pk)
        if not sides or not sides["source"] or not segment.target_text:
            continue
        present = sides["target"] | {m.entity_id for m in found.find(segment.target_text, "target")}
        missing = sorted(names[entity] for entity in sides["source"] - present if entity in names)
        if missing:
            gaps[segment.pk] = missing
    return gaps
