"""Writing mentions, and the rules every write keeps.

A mention's offsets are code points into the segment's stored text, end exclusive, and its
`text` must equal that slice on every write. Mentions may nest but never cross
(annotations/spans.py).

Every mention write locks its segment's row and checks offsets against the text read under that
lock: a correction (which re-anchors mentions in its own transaction) and a tag computed from the
text before it are then never interleaved, whichever commits first.
"""

from __future__ import annotations

from django.db import transaction

from annotations.gazetteer import Gazetteer
from annotations.models import (
    Entity,
    EntityType,
    Mention,
    MentionOrigin,
    MentionSide,
    RejectedSuggestion,
)
from annotations.spans import crosses, fits
from articles.models import Segment

# A segment's checks read its tags (the entities check): each change of tags runs them again.
from articles.quality.store import recheck


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
        if crosses((start, end), (other.start, other.end)):
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
        mention = Mention.objects.create(
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
        recheck([segment.pk])
    return mention


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
        recheck([mention.segment_id])
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
        recheck([mention.segment_id])


def accept_suggestions(*, article_id: int, entity_id: int | None = None, user=None) -> int:
    """Accept an article's suggestions (of one entity, or all)."""
    suggested = Mention.objects.filter(
        segment__article_id=article_id, origin=MentionOrigin.SUGGESTED
    )
    if entity_id is not None:
        suggested = suggested.filter(entity_id=entity_id)
    return suggested.update(origin=MentionOrigin.ACCEPTED, author=user)


def tag_all(*, article_id: int, side: str, text: str, entity: Entity, user=None) -> int:
    """Tag every whole-word occurrence of `text` on one side of an article; return how many
    new mentions. Spans already tagged with the entity, or crossing other mentions, are kept.

    The article's segments are locked (in id order, as every writer takes them) while matching,
    so a correction committing meanwhile is either seen whole or waits.
    """
    finder = Gazetteer([(entity.pk, entity.type, side, text)])
    created, changed = 0, set()
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
                if same or not fits((match.start, match.end), taken):
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
                changed.add(segment.pk)
        recheck(changed)
    return created
