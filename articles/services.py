"""Write-side rules for articles: importing records and files, one code path for every door."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from articles.importers import csvfile, html, jsonarray, jsonl, txt, ziparchive
from articles.importers.formats import FORMATS, format_for_name
from articles.importers.records import (
    ArticleInput,
    InvalidRecord,
    build_article_input,
    clean_record,
)
from articles.importers.source import ImportSource, Origin, RawRecord, RecordError, UnusableFile
from articles.models import (
    Article,
    ImportBatch,
    ImportStatus,
    Revision,
    RevisionOrigin,
    Segment,
    SegmentKind,
    SegmentStatus,
    SourceVersion,
    Tag,
)
from articles.mt.packages import PackageError
from articles.mt.translate import request_translation
from articles.retries import describe_error
from articles.search import refresh_search_text
from articles.text.normalize import fold
from articles.text.segment import split_sentences

logger = logging.getLogger(__name__)

READERS = {
    "txt": txt.read,
    "html": html.read,
    "json": jsonarray.read,
    "jsonl": jsonl.read,
    "csv": csvfile.read,
}
MAX_STORED_MESSAGES = 1000
PROGRESS_EVERY_SECONDS = 1.0


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    SKIPPED = "skipped"


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    unusable: list[dict] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def fail(self, record: str, reason: str) -> None:
        self.failed += 1
        if len(self.errors) < MAX_STORED_MESSAGES:
            self.errors.append({"record": record, "reason": reason})

    def warn(self, record: str, reason: str) -> None:
        if len(self.warnings) < MAX_STORED_MESSAGES:
            self.warnings.append({"record": record, "reason": reason})

    def line(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, "
            f"skipped {self.skipped}, failed {self.failed}"
        )


class _TagCache:
    """Tag ids by name for one import run, so each tag costs one query at most."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}

    def ids(self, names: list[str]) -> list[int]:
        result = []
        for name in names:
            if name not in self._ids:
                self._ids[name] = Tag.objects.get_or_create(name=name)[0].pk
            result.append(self._ids[name])
        return result


def _align_translation(data: ArticleInput) -> tuple[dict[int, str], str | None]:
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


def _create_segments(article: Article, data: ArticleInput, user) -> str | None:
    translations, warning = _align_translation(data)
    segments = Segment.objects.bulk_create(
        Segment(
            article=article,
            position=draft.position,
            kind=draft.kind,
            paragraph=draft.paragraph,
            source_text=draft.text,
            source_key=Segment.key_for(draft.text),
            source_fold=fold(draft.text),
            target_text=translations.get(draft.position, ""),
            status=SegmentStatus.EDITED if draft.position in translations else SegmentStatus.EMPTY,
            version=1,
            updated_by=user,
        )
        for draft in data.segments
    )
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


def _apply_fields(article: Article, data: ArticleInput, *, batch: ImportBatch | None) -> None:
    article.external_id = data.external_id
    article.url = data.url
    article.title = data.title
    article.raw_text = data.raw_text
    article.content_hash = data.content_hash
    article.source_format = data.source_format
    article.source_language = data.source_language
    article.published_at = data.published_at
    article.scraped_at = data.scraped_at
    article.import_batch = batch


def _set_tags(article: Article, names: list[str], tags: _TagCache, *, new: bool) -> None:
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
    tags: _TagCache,
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
        _apply_fields(article, data, batch=batch)
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
        return Outcome.SKIPPED, "a later record of this file already gave this article its text"
    elif (
        not _later_in_same_file(article, origin)
        and versions.filter(content_hash=data.content_hash).exists()
    ):
        return Outcome.SKIPPED, "an older text of this article was met again and not applied"
    elif article.is_touched():
        return Outcome.SKIPPED, "the text changed, but editors have worked on this article"
    else:
        article.segments.all().delete()
        _apply_fields(article, data, batch=batch)
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
    tags: _TagCache | None = None,
    origin: Origin | None = None,
) -> tuple[str, str | None]:
    """Create, update or skip one article by its identity, all in one transaction.

    `origin` (the file and the record's place in it) lets a later record of the same file win.
    Returns the outcome and a warning for the user, if any.
    """
    tags = tags or _TagCache()
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


def _records(source: ImportSource, fmt: str) -> Iterator[RawRecord | RecordError]:
    if fmt == "zip":
        for member in ziparchive.members(source):
            if isinstance(member, RecordError):
                yield member
                continue
            try:
                yield from READERS[member.format_hint](member)
            except UnusableFile as exc:
                yield RecordError(exc.name, exc.reason)
            except ziparchive.MEMBER_ERRORS as exc:
                yield RecordError(member.name, f"cannot read this member of the archive: {exc}")
        return
    yield from READERS[fmt](source)


def resolve_format(source: ImportSource, fmt: str) -> str:
    """The format to read a source with, or UnusableFile naming what is wrong."""
    if fmt and fmt != "auto":
        if fmt not in FORMATS:
            raise UnusableFile(
                source.name, f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}"
            )
        return fmt
    detected = format_for_name(source.name)
    if detected is None:
        raise UnusableFile(
            source.name,
            "cannot tell the format from the file name; "
            "name it .txt, .html, .json, .jsonl, .csv or .zip, or give a format",
        )
    return detected


def import_sources(
    *,
    sources: Iterable[ImportSource],
    fmt: str = "auto",
    source_language: str = "fa",
    user=None,
    batch: ImportBatch | None = None,
    on_record: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Import every record of every source; bad records are named, good ones land."""
    summary = ImportSummary()
    tags = _TagCache()
    for source in sources:
        try:
            source_fmt = resolve_format(source, fmt)
            file_sha256 = source.fingerprint()
            for position, item in enumerate(_records(source, source_fmt), start=1):
                if isinstance(item, RecordError):
                    summary.fail(item.record, item.reason)
                else:
                    _import_one(
                        item,
                        summary,
                        source_language=source_language,
                        user=user,
                        batch=batch,
                        tags=tags,
                        origin=Origin(file_sha256, position),
                    )
                if on_record:
                    on_record(summary)
        except UnusableFile as exc:
            summary.unusable.append({"record": exc.name, "reason": exc.reason})
            if on_record:
                on_record(summary)
        except OSError as exc:
            summary.unusable.append(
                {"record": source.name, "reason": f"cannot read: {exc.strerror or exc}"}
            )
    return summary


def _import_one(
    record: RawRecord,
    summary: ImportSummary,
    *,
    source_language: str,
    user,
    batch,
    tags,
    origin: Origin | None = None,
) -> None:
    """Import one record; whatever goes wrong with it fails it alone, with the reason."""
    from annotations.restore import is_export_record, restore_article

    notes: list[str] = []
    try:
        record, cleaned = clean_record(record)
        notes += [cleaned] if cleaned else []
        if is_export_record(record.fields):
            outcome, warning = restore_article(
                fields=record.fields, raw_text=record.raw_text, user=user, batch=batch
            )
        else:
            data = build_article_input(record, source_language=source_language)
            notes += data.notes
            outcome, warning = import_article(
                data=data, user=user, batch=batch, tags=tags, origin=origin
            )
    except InvalidRecord as exc:
        summary.fail(record.label, str(exc))
        return
    except DatabaseError as exc:
        logger.exception("database error importing %s", record.label)
        summary.fail(record.label, f"database error: {exc}")
        return
    except Exception as exc:  # a pathological text or a bug must not stop the rest of the file
        logger.exception("unexpected error importing %s", record.label)
        detail = f"{type(exc).__name__}: {exc}"
        summary.fail(record.label, f"could not be imported ({detail[:300]})")
        return
    summary.count(outcome)
    if outcome != Outcome.SKIPPED:
        for note in notes:
            summary.warn(record.label, note)
    if warning:
        summary.warn(record.label, warning)


class _BatchProgress:
    """Keeps a batch row up to date while its import runs, at most once a second."""

    FIELDS = (
        "bytes_read",
        "created_count",
        "updated_count",
        "skipped_count",
        "failed_count",
        "errors",
        "warnings",
    )

    def __init__(self, batch: ImportBatch, on_read: Callable[[int], None] | None) -> None:
        self.batch = batch
        self.on_read = on_read
        self.bytes_read = 0
        self.last_save = time.monotonic()

    def count_bytes(self, size: int) -> None:
        self.bytes_read += size
        if self.on_read:
            self.on_read(size)

    def save(self, summary: ImportSummary, *, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self.last_save < PROGRESS_EVERY_SECONDS:
            return
        self.last_save = now
        batch = self.batch
        batch.bytes_read = min(self.bytes_read, batch.bytes_total)
        batch.created_count = summary.created
        batch.updated_count = summary.updated
        batch.skipped_count = summary.skipped
        batch.failed_count = summary.failed
        batch.errors = summary.errors
        batch.warnings = summary.warnings
        fields = list(self.FIELDS)
        if final:
            batch.message = "; ".join(f"{u['record']}: {u['reason']}" for u in summary.unusable)
            batch.status = ImportStatus.FAILED if summary.unusable else ImportStatus.DONE
            batch.finished_at = timezone.now()
            fields += ["message", "status", "finished_at"]
        batch.save(update_fields=fields)


def _translate_batch(batch: ImportBatch) -> None:
    """Queue MT for the batch's articles; without a model, say so on the batch."""
    try:
        request_translation(batch.articles.values_list("pk", flat=True))
    except PackageError as error:
        batch.warnings = [*batch.warnings, {"record": "translation", "reason": str(error)}]
        batch.save(update_fields=["warnings"])


def run_batch(
    *,
    batch: ImportBatch,
    sources: list[ImportSource],
    on_read: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Run an import for a batch record, saving progress as it goes so its page can show it."""
    batch.status = ImportStatus.RUNNING
    batch.started_at = timezone.now()
    batch.bytes_total = sum(source.size for source in sources)
    batch.message = ""  # a retry starts clean
    batch.save(update_fields=["status", "started_at", "bytes_total", "message"])
    progress = _BatchProgress(batch, on_read)
    for source in sources:
        source.on_read = progress.count_bytes
    try:
        summary = import_sources(
            sources=sources,
            fmt=batch.format,
            source_language=batch.source_language,
            user=batch.created_by,
            batch=batch,
            on_record=progress.save,
        )
    except BaseException as exc:  # Ctrl+C and a worker's forced stop too: never left running
        batch.status = ImportStatus.FAILED
        batch.message = f"import stopped by an unexpected error: {describe_error(exc)}"
        batch.finished_at = timezone.now()
        batch.save(update_fields=["status", "message", "finished_at"])
        raise
    progress.save(summary, final=True)
    if batch.translate:
        _translate_batch(batch)
    return summary
