"""Importing one article: create, update or skip it by its identity, in one transaction.

Reading files and running a batch of them is `articles/import_runs.py`; storing records a chunk
at a time, the new ones in bulk, `articles/import_chunks.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from articles.dashboard.rollup import delete_segments
from articles.importers.records import ArticleInput
from articles.importers.source import Origin
from articles.models import (
    Article,
    ImportBatch,
    Revision,
    RevisionOrigin,
    Segment,
    SegmentKind,
    SegmentStatus,
    SourceVersion,
    Tag,
)
from articles.quality.store import for_new
from articles.search_index import refresh_search_text
from articles.text.normalize import fold
from articles.text.segment import split_sentences


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    SKIPPED = "skipped"


# Why a changed text was not applied (a warning beside the record's `skipped`).
LATER_RECORD_WON = "a later record of this file already gave this article its text"
OLDER_TEXT = "an older text of this article was met again and not applied"
EDITORS_WORKED = "the text changed, but editors have worked on this article"


@dataclass(frozen=True)
class RecordKind:
    """A kind of record another app stores itself (annotations: an exported article with its
    mentions), registered from that app's `AppConfig.ready()` so articles need not know it.

    `store(fields=, raw_text=, user=, batch=)` returns an outcome and a warning, as
    `import_article` does, and raises InvalidRecord for a record it cannot use.
    """

    name: str
    matches: Callable[[dict | None], bool]
    store: Callable[..., tuple[str, str | None]]


_record_kinds: dict[str, RecordKind] = {}


def register_record_kind(kind: RecordKind) -> None:
    _record_kinds[kind.name] = kind


def record_kind_for(fields: dict | None) -> RecordKind | None:
    return next((kind for kind in _record_kinds.values() if kind.matches(fields)), None)


def record_kind(name: str) -> RecordKind:
    return _record_kinds[name]


class TagCache:
    """Tag ids by name for one import run, so each tag costs one query at most."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}

    def ensure(self, names) -> None:
        """Look up or create these tags, a chunk of records' worth in three queries at most.

        Called outside the records' transactions: a record that fails cannot take back a tag
        this cache already holds.
        """
        missing = {name for name in names if name not in self._ids}
        if not missing:
            return
        self._ids.update(Tag.objects.filter(name__in=missing).values_list("name", "pk"))
        missing -= self._ids.keys()
        if missing:
            Tag.objects.bulk_create([Tag(name=name) for name in missing], ignore_conflicts=True)
            self._ids.update(Tag.objects.filter(name__in=missing).values_list("name", "pk"))

    def ids(self, names: list[str]) -> list[int]:
        result = []
        for name in names:
            if name not in self._ids:
                self._ids[name] = Tag.objects.get_or_create(name=name)[0].pk
            result.append(self._ids[name])
        return result


def align_translation(data: ArticleInput) -> tuple[dict[int, str], str | None]:
    """Map an imported English translation onto segment positions, sentence for sentence.

    Returns the texts by position and, when the body cannot be aligned, why not.
    """
    texts: dict[int, str] = {}
    translation = data.translation
    if translation is None:
        return texts, None
    rest = [draft for draft in data.segments if draft.kind != SegmentKind.TITLE]
    if translation.title:
        texts[0] = translation.title
    if not translation.body:
        return texts, None
    sentences = [
        sentence
        for line in translation.body.splitlines()
        if line.strip()
        for sentence in split_sentences(line.strip())
    ]
    if len(sentences) != len(rest):
        return texts, (
            f"translation body not applied: {len(sentences)} English sentences "
            f"for {len(rest)} Persian segments"
        )
    for draft, sentence in zip(rest, sentences, strict=True):
        texts[draft.position] = sentence
    return texts, None


def source_folds(data: ArticleInput) -> list[str]:
    """The folded source text of each segment (what matching compares, and its key)."""
    return [fold(draft.text) for draft in data.segments]


# The fields of a new segment that come from its record (`segment_values`), in this order.
SEGMENT_VALUES = (
    "position",
    "kind",
    "paragraph",
    "source_text",
    "source_key",
    "source_fold",
    "target_text",
    "status",
    "checks",
    "failing_checks",
)


def segment_values(
    data: ArticleInput, translations: dict[int, str], folds: list[str] | None = None
) -> list[tuple]:
    """The `SEGMENT_VALUES` of each segment of an article about to be written, checks run.

    Plain values, worked out where the record is prepared (a preparing process, for a large
    file); `folds` are `source_folds(data)` when they were worked out already.
    """
    folds = folds or source_folds(data)
    rows = []
    for draft, folded in zip(data.segments, folds, strict=True):
        target = translations.get(draft.position, "")
        status = SegmentStatus.EDITED if draft.position in translations else SegmentStatus.EMPTY
        checks = for_new(draft.text, target, status)
        rows.append(
            (
                draft.position,
                draft.kind,
                draft.paragraph,
                draft.text,
                Segment.key_of_fold(folded),
                folded,
                target,
                int(status),
                checks["checks"],
                checks["failing_checks"],
            )
        )
    return rows


def build_segments(
    article: Article, data: ArticleInput, translations: dict[int, str], *, user
) -> list[Segment]:
    """The segments of an article about to be written, their checks filled in."""
    return [
        Segment(
            article=article,
            version=1,
            updated_by=user,
            **dict(zip(SEGMENT_VALUES, row, strict=True)),
        )
        for row in segment_values(data, translations)
    ]


def _create_segments(article: Article, data: ArticleInput, user) -> str | None:
    translations, warning = align_translation(data)
    segments = Segment.objects.bulk_create(build_segments(article, data, translations, user=user))
    record_imported_targets(segments, user=user)
    return warning


def record_imported_targets(segments: list[Segment], *, user) -> None:
    """An `import` revision for every segment that arrived with a translation."""
    Revision.objects.bulk_create(
        Revision(
            segment=segment,
            text=segment.target_text,
            origin=RevisionOrigin.IMPORT,
            author=user,
            version=segment.version,
        )
        for segment in segments
        if segment.target_text
    )


# The article's columns an imported record gives, as `ArticleInput` names them.
IMPORTED_FIELDS = (
    "external_id",
    "url",
    "title",
    "raw_text",
    "content_hash",
    "source_format",
    "source_language",
    "published_at",
    "scraped_at",
)


def apply_fields(article: Article, data: ArticleInput, *, batch: ImportBatch | None) -> None:
    for name in IMPORTED_FIELDS:
        setattr(article, name, getattr(data, name))
    article.import_batch = batch


def _set_tags(article: Article, names: list[str], tags: TagCache, *, new: bool) -> None:
    if new:
        Through = Article.tags.through
        Through.objects.bulk_create(
            Through(article_id=article.pk, tag_id=tag_id) for tag_id in tags.ids(names)
        )
    else:
        article.tags.set(tags.ids(names))


def _later_in_same_file(article: Article, origin: Origin | None) -> bool:
    """Whether the article's current text came from an earlier record of the record's own file."""
    if origin is None:
        return False
    return article.source_versions.filter(
        content_hash=article.content_hash,
        file_sha256=origin.file_sha256,
        file_position__lt=origin.position,
    ).exists()


def _write_article(
    data: ArticleInput,
    *,
    user,
    batch: ImportBatch | None,
    tags: TagCache,
    known_new: bool,
    origin: Origin | None,
) -> tuple[str, str | None]:
    # A new identity is inserted straight away: the unique key catches a concurrent twin.
    article = (
        None
        if known_new
        else Article.objects.select_for_update().filter(identity=data.identity).first()
    )
    versions = article.source_versions if article is not None else None
    if article is None:
        article = Article(identity=data.identity, imported_by=user)
        apply_fields(article, data, batch=batch)
        article.save(force_insert=True)
        outcome = Outcome.CREATED
    elif article.content_hash == data.content_hash:
        return Outcome.SKIPPED, None
    elif (
        origin
        and versions.filter(
            file_sha256=origin.file_sha256, file_position__gt=origin.position
        ).exists()
    ):
        # Within a file the later record wins, also when this file is imported again after an
        # interruption that failed this record but not the later one.
        return Outcome.SKIPPED, LATER_RECORD_WON
    elif (
        not _later_in_same_file(article, origin)
        and versions.filter(content_hash=data.content_hash).exists()
    ):
        return Outcome.SKIPPED, OLDER_TEXT
    elif article.is_touched():
        return Outcome.SKIPPED, EDITORS_WORKED
    else:
        delete_segments(article.segments.all())
        apply_fields(article, data, batch=batch)
        article.save()
        outcome = Outcome.UPDATED
    warning = _create_segments(article, data, user)
    refresh_search_text(article.pk)
    _set_tags(article, data.tags, tags, new=outcome == Outcome.CREATED)
    where = {
        "batch": batch,
        "file_sha256": origin.file_sha256 if origin else "",
        "file_position": origin.position if origin else None,
    }
    # A text met before and applied again (a later record of the file) moves its version along.
    met_before = outcome == Outcome.UPDATED and versions.filter(
        content_hash=data.content_hash
    ).update(**where)
    if not met_before:
        SourceVersion.objects.create(article=article, content_hash=data.content_hash, **where)
    return outcome, warning


def import_article(
    *,
    data: ArticleInput,
    user=None,
    batch: ImportBatch | None = None,
    tags: TagCache | None = None,
    origin: Origin | None = None,
) -> tuple[str, str | None]:
    """Create, update or skip one article by its identity, all in one transaction.

    `origin` (the file and the record's place in it) lets a later record of the same file win.
    Returns the outcome and a warning for the user, if any.
    """
    tags = tags or TagCache()
    current = Article.objects.filter(identity=data.identity).values_list("content_hash", flat=True)
    current_hash = current.first()
    if current_hash == data.content_hash:
        return Outcome.SKIPPED, None
    try:
        with transaction.atomic():
            return _write_article(
                data,
                user=user,
                batch=batch,
                tags=tags,
                known_new=current_hash is None,
                origin=origin,
            )
    except IntegrityError:
        # Another import created this article meanwhile: take this record as a re-import.
        with transaction.atomic():
            return _write_article(
                data, user=user, batch=batch, tags=tags, known_new=False, origin=origin
            )
