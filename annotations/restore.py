"""Re-import a JSON export: the article, its segments and mentions back exactly as exported.

An export already holds the canonical segments, so their text is stored verbatim, never cleaned or
segmented again; entities are matched by Wikidata id, else by type and English name.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_datetime

from annotations.entities import create_entity
from annotations.models import Entity, EntityType, Mention, MentionOrigin, MentionSide
from articles.dashboard.rollup import delete_segments
from articles.importers.records import InvalidRecord, article_identity, text_hash
from articles.importing import Outcome, record_imported_targets
from articles.models import (
    Article,
    ArticleStatus,
    ImportBatch,
    Segment,
    SegmentKind,
    SegmentStatus,
    SourceVersion,
)
from articles.quality.store import for_new
from articles.search_index import refresh_search_text
from articles.text.normalize import fold

ARTICLE_STATUSES = {status.label: status.value for status in ArticleStatus}
SEGMENT_STATUSES = {status.label: status.value for status in SegmentStatus}


def is_export_record(fields: dict | None) -> bool:
    """An export record carries its segments; a plain import record carries a body."""
    return isinstance(fields, dict) and isinstance(fields.get("segments"), list)


def _text(fields: dict, name: str, *, required: bool = False) -> str:
    value = fields.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidRecord(f"{name} must be text, got {type(value).__name__}")
    if required and not value:
        raise InvalidRecord(f"{name} is missing")
    return value


def _datetime(fields: dict, name: str) -> datetime | None:
    value = fields.get(name)
    if value in (None, ""):
        return None
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise InvalidRecord(f"{name}: not an ISO 8601 date-time: {value!r}")
    return parsed


def _choice(value, choices: dict, name: str):
    if value in choices:
        return choices[value]
    if value in choices.values():
        return value
    raise InvalidRecord(f"{name}: unknown value {value!r}; use one of {', '.join(choices)}")


def _segment(fields: dict, *, article: Article, index: int) -> Segment:
    if not isinstance(fields, dict):
        raise InvalidRecord(f"segment {index}: expected an object")
    source_text = _text(fields, "source_text", required=True)
    kind = fields.get("kind", SegmentKind.BODY)
    if kind not in SegmentKind.values:
        raise InvalidRecord(f"segment {index}: unknown kind {kind!r}")
    position, paragraph = fields.get("position", index), fields.get("paragraph", 0)
    if not isinstance(position, int) or not isinstance(paragraph, int):
        raise InvalidRecord(f"segment {index}: position and paragraph must be integers")
    segment = Segment(
        article=article,
        position=position,
        kind=kind,
        paragraph=paragraph,
        source_text=source_text,
        source_key=Segment.key_for(source_text),
        source_fold=fold(source_text),
        mt_text=_text(fields, "mt_text"),
        mt_model=_text(fields, "mt_model"),
        target_text=_text(fields, "target_text"),
        status=_choice(fields.get("status", "empty"), SEGMENT_STATUSES, "segment status"),
        version=1,
    )
    checks = for_new(segment.source_text, segment.target_text, segment.status)
    segment.checks, segment.failing_checks = checks["checks"], checks["failing_checks"]
    return segment


class _Entities:
    """Entities by their identity for one restore, found or created at most once each."""

    def __init__(self) -> None:
        self._found: dict[tuple, Entity] = {}

    def get(self, fields: dict | None, kind: str) -> Entity | None:
        if not fields:
            return None
        wikidata_id = _text(fields, "wikidata_id")
        name_en = _text(fields, "name_en")
        key = ("wikidata", wikidata_id) if wikidata_id else ("name", kind, name_en)
        if key not in self._found:
            self._found[key] = self._find_or_create(
                wikidata_id=wikidata_id,
                name_en=name_en,
                name_fa=_text(fields, "name_fa"),
                kind=kind,
            )
        return self._found[key]

    @staticmethod
    def _find_or_create(*, wikidata_id: str, name_en: str, name_fa: str, kind: str) -> Entity:
        if wikidata_id:
            entity = Entity.objects.filter(wikidata_id=wikidata_id).first()
            if entity:
                return entity
        if not name_en:
            raise InvalidRecord("a mention's entity has no name_en")
        entity = Entity.objects.filter(type=kind, name_en=name_en).first()
        if entity:
            return entity
        # The export brings its own mentions: no suggestions are re-run for a restored entity.
        return create_entity(
            name_en=name_en, name_fa=name_fa, type=kind, wikidata_id=wikidata_id, refresh=False
        )


def _mentions(segment: Segment, items, entities: _Entities) -> list[Mention]:
    if not isinstance(items, list):
        raise InvalidRecord(f"segment {segment.position}: mentions must be a list")
    mentions = []
    for item in items:
        if not isinstance(item, dict):
            raise InvalidRecord(f"segment {segment.position}: a mention must be an object")
        side = item.get("side")
        kind = item.get("type")
        start, end = item.get("start"), item.get("end")
        if side not in MentionSide.values or kind not in EntityType.values:
            raise InvalidRecord(f"segment {segment.position}: mention side or type unknown")
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
            raise InvalidRecord(f"segment {segment.position}: mention needs 0 <= start < end")
        text = _text(item, "text")
        covered = segment.source_text if side == MentionSide.SOURCE else segment.target_text
        if covered[start:end] != text:
            raise InvalidRecord(
                f"segment {segment.position}: mention {text!r} does not match "
                f"the {side} text at [{start}:{end}]"
            )
        origin = item.get("origin", MentionOrigin.MANUAL)
        if origin not in MentionOrigin.values:
            raise InvalidRecord(f"segment {segment.position}: unknown mention origin {origin!r}")
        mentions.append(
            Mention(
                segment=segment,
                side=side,
                start=start,
                end=end,
                text=text,
                entity=entities.get(item.get("entity"), kind),
                type=kind,
                origin=origin,
                needs_review=bool(item.get("needs_review", False)),
            )
        )
    return mentions


def _write(article: Article, fields: dict, *, user) -> None:
    items = fields["segments"]
    segments = [_segment(item, article=article, index=i) for i, item in enumerate(items)]
    if not segments:
        raise InvalidRecord("the export has no segments")
    for segment in segments:
        segment.updated_by = user
    Segment.objects.bulk_create(segments)
    record_imported_targets(segments, user=user)
    entities = _Entities()
    Mention.objects.bulk_create(
        mention
        for segment, item in zip(segments, items, strict=True)
        for mention in _mentions(segment, item.get("mentions") or [], entities)
    )
    refresh_search_text(article.pk)


def _without_ids(value):
    """The content without database ids, which differ between two exports of the same article."""
    if isinstance(value, dict):
        return {key: _without_ids(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [_without_ids(item) for item in value]
    return value


def _clean_text(title: str, fields: dict) -> str:
    """The cleaned text as the importer saw it, rebuilt from the segments, for a text identity."""
    blocks: dict[int, list[str]] = {}
    for item in fields["segments"]:
        if isinstance(item, dict) and item.get("kind") != SegmentKind.TITLE:
            blocks.setdefault(item.get("paragraph", 0), []).append(item.get("source_text", ""))
    return "\n\n".join([title, *(" ".join(texts) for texts in blocks.values())])


def restore_article(
    *, fields: dict, raw_text: str, user=None, batch: ImportBatch | None = None
) -> tuple[str, str | None]:
    """Create, update or skip the article of one exported JSON record.

    Returns the outcome and a warning, as `import_article` does. Identity and skipping follow the
    importer: the same record imported twice is `skipped`, and an article editors have worked on
    is never overwritten.
    """
    if not is_export_record(fields):
        raise InvalidRecord("not an exported article: no segments list")
    external_id = _text(fields, "external_id")[:255]
    url = _text(fields, "url")
    title = _text(fields, "title", required=True)
    identity = article_identity(
        external_id=external_id, url=url, clean_text=_clean_text(title, fields)
    )
    content_hash = text_hash(json.dumps(_without_ids(fields), ensure_ascii=False, sort_keys=True))
    values = {
        "external_id": external_id,
        "url": url,
        "title": title,
        "raw_text": raw_text,
        "content_hash": content_hash,
        "source_format": "json",
        "source_language": _text(fields, "source_language") or "fa",
        "target_language": _text(fields, "target_language") or "en",
        "published_at": _datetime(fields, "published_at"),
        "scraped_at": _datetime(fields, "scraped_at"),
        "status": _choice(fields.get("status", "new"), ARTICLE_STATUSES, "status"),
        "import_batch": batch,
    }
    if Article.objects.filter(identity=identity, content_hash=content_hash).exists():
        return Outcome.SKIPPED, None
    try:
        with transaction.atomic():
            article = Article.objects.select_for_update().filter(identity=identity).first()
            if article is None:
                article = Article.objects.create(identity=identity, imported_by=user, **values)
                outcome = Outcome.CREATED
            elif article.content_hash == content_hash:
                return Outcome.SKIPPED, None
            elif article.is_touched():
                return (
                    Outcome.SKIPPED,
                    "the export changed, but editors have worked on this article",
                )
            else:
                delete_segments(article.segments.all())
                for name, value in values.items():
                    setattr(article, name, value)
                article.save()
                outcome = Outcome.UPDATED
            _write(article, fields, user=user)
            SourceVersion.objects.create(article=article, content_hash=content_hash, batch=batch)
    except IntegrityError as exc:
        raise InvalidRecord(f"cannot store the exported article: {exc}") from exc
    return outcome, None
