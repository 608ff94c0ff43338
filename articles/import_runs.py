"""Import runs: every record of every file, each failing alone, and a batch's progress as it
goes. One code path for every door (command line, admin, REST, demo).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import DatabaseError
from django.utils import timezone

from articles.importers import csvfile, html, jsonarray, jsonl, txt, ziparchive
from articles.importers.formats import FORMATS, format_for_name
from articles.importers.records import InvalidRecord, build_article_input, clean_record
from articles.importers.source import ImportSource, Origin, RawRecord, RecordError, UnusableFile
from articles.importing import Outcome, TagCache, import_article, record_kind_for
from articles.models import ImportBatch, ImportStatus
from articles.retries import describe_error

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
    tags = TagCache()
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
    notes: list[str] = []
    try:
        record, cleaned = clean_record(record)
        notes += [cleaned] if cleaned else []
        kind = record_kind_for(record.fields)
        if kind is not None:
            outcome, warning = kind.store(
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


def run_batch(
    *,
    batch: ImportBatch,
    sources: list[ImportSource],
    on_read: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Run an import for a batch record, saving progress as it goes so its page can show it.

    Translation the batch asks for is queued by the caller (`articles.tasks.translate_imported`).
    """
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
    return summary
