"""Writes to the knowledge base and to mentions, and the rules they keep.

A mention's offsets are code points into the segment's stored text, end exclusive, and its
`text` must equal that slice on every write. Mentions may nest but never partly overlap. Source
text never changes; when a target text does, its mentions are re-anchored through a diff.

Every mention write locks its segment's row and checks offsets against the text read under that
lock: a correction (which re-anchors mentions in its own transaction) and a tag computed from the
text before it are then never interleaved, whichever commits first.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from annotations.failures import clear_failures
from annotations.gazetteer import Gazetteer, Match, is_word_char
from annotations.models import (
    Entity,
    EntityType,
    Mention,
    MentionOrigin,
    MentionSide,
    RejectedSuggestion,
)
from articles.models import Segment


class MentionError(ValueError):
    """A mention that does not fit its segment's text; the message says what is wrong."""


def side_text(segment: Segment, side: str) -> str:
    return segment.source_text if side == MentionSide.SOURCE else segment.target_text


def check_span(segment: Segment, *, side: str, start: int, end: int, text: str) -> None:
    content = side_text(segment, side)
    if not 0 <= start < end:
        raise MentionError(f"start must be at least 0 and below end (got {start}, {end}).")
    if end > len(content):
        raise MentionError(
            f"end {end} is past the end of the {side} text ({len(content)} code points)."
        )
    if content[start:end] != text:
        raise MentionError(
            f"text {text!r} is not what the {side} text holds at [{start}:{end}] "
            f"({content[start:end]!r}); offsets count code points, end exclusive."
        )


def check_overlap(
    segment: Segment, *, side: str, start: int, end: int, exclude: int | None = None
) -> None:
    """Refuse a span that partly overlaps another; nesting either way is fine."""
    others = Mention.objects.filter(segment=segment, side=side, start__lt=end, end__gt=start)
    if exclude:
        others = others.exclude(pk=exclude)
    for other in others:
        inside = other.start <= start and end <= other.end
        around = start <= other.start and other.end <= end
        if not (inside or around):
            raise MentionError(
                f"[{start}:{end}] partly overlaps the mention {other.text!r} "
                f"[{other.start}:{other.end}]; mentions may nest but not cross."
            )


def locked_segment(segment_id: int) -> Segment:
    """The segment's row, locked until the transaction ends, with its text as committed now.

    Call inside `transaction.atomic()`. A concurrent correction holds the same row lock until it
    commits (with its mentions re-anchored), so what this returns is the text to check against.
    """
    try:
        return Segment.objects.select_for_update().get(pk=segment_id)
    except Segment.DoesNotExist:
        raise MentionError(f"Segment {segment_id} no longer exists.") from None


def create_mention(
    *,
    segment: Segment,
    side: str,
    start: int,
    end: int,
    text: str,
    entity: Entity | None,
    type: str | None = None,
    origin: str = MentionOrigin.MANUAL,
    user=None,
) -> Mention:
    kind = type or (entity.type if entity else None)
    if kind not in EntityType.values:
        raise MentionError("Give an entity or a type (PERSON, ORG, GPE, LOC, FAC, EVENT, MISC).")
    with transaction.atomic():
        segment = locked_segment(segment.pk)
        check_span(segment, side=side, start=start, end=end, text=text)
        check_overlap(segment, side=side, start=start, end=end)
        duplicate = Mention.objects.filter(
            segment=segment, side=side, start=start, end=end, entity=entity
        ).first()
        if duplicate and duplicate.origin == MentionOrigin.SUGGESTED:
            # Tagging what was suggested is accepting the suggestion.
            duplicate.origin, duplicate.author = MentionOrigin.ACCEPTED, user
            duplicate.save(update_fields=["origin", "author", "updated_at"])
            return duplicate
        if duplicate:
            raise MentionError(f"[{start}:{end}] is already tagged with this entity.")
        return Mention.objects.create(
            segment=segment,
            side=side,
            start=start,
            end=end,
            text=text,
            entity=entity,
            type=kind,
            origin=origin,
            author=user,
        )


def update_mention(mention: Mention, *, user=None, **changes) -> Mention:
    """Change a mention's entity, type, span or origin; a suggestion touched by hand is accepted.

    The mention is read again under its segment's lock: a correction may have moved it (or
    removed it) since the caller read it, and its old offsets must not be written back.
    """
    with transaction.atomic():
        segment = locked_segment(mention.segment_id)
        mention = Mention.objects.filter(pk=mention.pk).select_related("entity").first()
        if mention is None:
            raise MentionError(
                "This tag was removed meanwhile: a correction deleted its words. Tag them again."
            )
        start = changes.get("start", mention.start)
        end = changes.get("end", mention.end)
        text = changes.get("text", mention.text)
        span_changes = any(key in changes for key in ("start", "end", "text"))
        if span_changes or not mention.needs_review:
            check_span(segment, side=mention.side, start=start, end=end, text=text)
        if span_changes:
            check_overlap(segment, side=mention.side, start=start, end=end, exclude=mention.pk)
            mention.needs_review = False
        mention.start, mention.end, mention.text = start, end, text
        if "entity" in changes:
            mention.entity = changes["entity"]
            if changes["entity"] is not None and "type" not in changes:
                mention.type = changes["entity"].type
        if "type" in changes:
            mention.type = changes["type"]
        if "needs_review" in changes:
            mention.needs_review = changes["needs_review"]
        origin = changes.get("origin")
        if origin:
            mention.origin = origin
        elif mention.origin == MentionOrigin.SUGGESTED:
            mention.origin = MentionOrigin.ACCEPTED
        if user is not None:
            mention.author = user
        mention.save()
    return mention


def delete_mention(mention: Mention) -> None:
    """Remove a mention; a rejected suggestion is remembered so it is not suggested again.

    Read again under the segment's lock: a correction may have moved the suggestion, and the
    rejection must name the span it is at now.
    """
    with transaction.atomic():
        locked_segment(mention.segment_id)
        mention = Mention.objects.filter(pk=mention.pk).first()
        if mention is None:
            return  # already gone with the words a correction deleted
        if mention.origin == MentionOrigin.SUGGESTED and mention.entity_id:
            RejectedSuggestion.objects.get_or_create(
                segment_id=mention.segment_id,
                side=mention.side,
                start=mention.start,
                end=mention.end,
                entity_id=mention.entity_id,
            )
        mention.delete()


def accept_suggestions(*, article_id: int, entity_id: int | None = None, user=None) -> int:
    """Accept an article's suggestions (of one entity, or all)."""
    suggested = Mention.objects.filter(
        segment__article_id=article_id, origin=MentionOrigin.SUGGESTED
    )
    if entity_id is not None:
        suggested = suggested.filter(entity_id=entity_id)
    return suggested.update(origin=MentionOrigin.ACCEPTED, author=user)


# The gazetteer: built once per process and knowledge-base version.
_gazetteer_lock = threading.Lock()
_gazetteer: tuple[tuple, Gazetteer] | None = None


def kb_version() -> tuple:
    """Changes whenever an entity is added, changed or deleted."""
    state = Entity.objects.aggregate(count=Count("id"), changed=Max("updated_at"), top=Max("id"))
    return (state["count"], state["changed"], state["top"])


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


def _fits(match: Match, taken: list[tuple[int, int]]) -> bool:
    for start, end in taken:
        crosses = match.start < end and start < match.end
        nested = (start <= match.start and match.end <= end) or (
            match.start <= start and end <= match.end
        )
        if crosses and not nested:
            return False
    return True


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
                if not _fits(match, taken):
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


def reanchor(*, segment_id: int, old: str, new: str) -> None:
    """Move target-side mentions with the text around them after an edit.

    A mention whose own text was changed is flagged `needs_review` (offsets mapped as well as
    the diff allows), never silently moved onto other words; one whose text was deleted outright
    goes.
    """
    mentions = list(Mention.objects.filter(segment_id=segment_id, side=MentionSide.TARGET))
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
                mention.delete()
                continue
            mention.start, mention.end = start, end
            mention.needs_review = True
        mention.save(update_fields=["start", "end", "needs_review", "updated_at"])


def article_entities(*, article_id: int) -> list[dict]:
    """The article's entities with mention counts per side, for the review page sidebar."""
    rows = (
        Mention.objects.filter(segment__article_id=article_id, entity__isnull=False)
        .values("entity_id", "entity__name_en", "entity__name_fa", "entity__type")
        .annotate(
            source=Count("id", filter=Q(side=MentionSide.SOURCE)),
            target=Count("id", filter=Q(side=MentionSide.TARGET)),
            suggested=Count("id", filter=Q(origin=MentionOrigin.SUGGESTED)),
        )
        .order_by("entity__name_en")
    )
    return [
        {
            "id": row["entity_id"],
            "name_en": row["entity__name_en"],
            "name_fa": row["entity__name_fa"],
            "type": row["entity__type"],
            "source": row["source"],
            "target": row["target"],
            "suggested": row["suggested"],
            "one_sided": (row["source"] == 0) != (row["target"] == 0),
        }
        for row in rows
    ]


def tag_all(*, article_id: int, side: str, text: str, entity: Entity, user=None) -> int:
    """Tag every whole-word occurrence of `text` on one side of an article; return how many
    new mentions. Spans already tagged with the entity, or crossing other mentions, are kept.

    The article's segments are locked (in id order, as every writer takes them) while matching,
    so a correction committing meanwhile is either seen whole or waits.
    """
    finder = Gazetteer([(entity.pk, entity.type, side, text)])
    created = 0
    with transaction.atomic():
        segments = (
            Segment.objects.filter(article_id=article_id)
            .select_for_update()
            .only("id", "source_text", "target_text")
            .order_by("pk")
        )
        for segment in segments:
            content = side_text(segment, side)
            matches = finder.find(content, side) if content else []
            if not matches:
                continue
            mentions = list(Mention.objects.filter(segment=segment, side=side))
            taken = [(m.start, m.end) for m in mentions]
            for match in matches:
                same = [m for m in mentions if (m.start, m.end) == (match.start, match.end)]
                if any(m.entity_id == entity.pk for m in same):
                    continue
                if same or not _fits(match, taken):
                    continue
                Mention.objects.create(
                    segment=segment,
                    side=side,
                    start=match.start,
                    end=match.end,
                    text=content[match.start : match.end],
                    entity=entity,
                    type=entity.type,
                    origin=MentionOrigin.MANUAL,
                    author=user,
                )
                taken.append((match.start, match.end))
                created += 1
    return created


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
