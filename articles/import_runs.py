"""Import runs: every record of every file, each failing alone, and a batch's progress as it
goes. One code path for every door (command line, admin, REST, demo).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.utils import timezone

from articles.import_chunks import CHUNK_BYTES, CHUNK_RECORDS, FIRST_CHUNK_RECORDS, store_chunk
from articles.import_prepare import Chunk, PreparedRecord, Preparer, pool_size
from articles.importers import csvfile, html, jsonarray, jsonl, txt, ziparchive
from articles.importers.formats import FORMATS, format_for_name
from articles.importers.source import ImportSource, Origin, RawRecord, RecordError, UnusableFile
from articles.importing import Outcome, TagCache
from articles.models import ImportBatch, ImportStatus
from articles.retries import describe_error

READERS = {
    "txt": txt.read,
    "html": html.read,
    "json": jsonarray.read,
    "jsonl": jsonl.read,
    "csv": csvfile.read,
}
MAX_STORED_MESSAGES = 1000
PROGRESS_EVERY_SECONDS = 1.0
GC_EVERY_OBJECTS = 50_000


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


@dataclass(frozen=True)
class _Unusable:
    """A whole file that could not be used, in its place in the stream of chunks."""

    name: str
    reason: str


def _chunks(sources: list[ImportSource], fmt: str) -> Iterator[Chunk | _Unusable]:
    """Every record of every source with its origin, a chunk at a time (records or text).

    The first chunks are smaller, doubling up to CHUNK_RECORDS: the writing starts once a few
    dozen records are prepared (by a pool, a chunk per process), not hundreds.
    """
    limit = min(FIRST_CHUNK_RECORDS, CHUNK_RECORDS)
    for source in sources:
        chunk: Chunk = []
        size = 0
        try:
            source_fmt = resolve_format(source, fmt)
            file_sha256 = source.fingerprint()
            for position, item in enumerate(_records(source, source_fmt), start=1):
                chunk.append((item, Origin(file_sha256, position)))
                size += len(item.raw_text) if isinstance(item, RawRecord) else 0
                if len(chunk) >= limit or size >= CHUNK_BYTES:
                    yield chunk
                    chunk, size = [], 0
                    limit = min(2 * limit, CHUNK_RECORDS)
        except UnusableFile as exc:
            yield from [chunk] if chunk else []
            yield _Unusable(exc.name, exc.reason)
            continue
        except OSError as exc:
            yield from [chunk] if chunk else []
            yield _Unusable(source.name, f"cannot read: {exc.strerror or exc}")
            continue
        if chunk:
            yield chunk


def import_sources(
    *,
    sources: Iterable[ImportSource],
    fmt: str = "auto",
    source_language: str = "fa",
    user=None,
    batch: ImportBatch | None = None,
    on_record: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Import every record of every source; bad records are named, good ones land.

    Records are prepared a chunk at a time (in a pool of processes for a large input) and
    stored a chunk at a time (`articles/import_chunks.py`).
    """
    sources = list(sources)
    summary = ImportSummary()
    tags = TagCache()
    processes = pool_size(sum(source.size for source in sources))
    with (
        _rarer_collections(),
        Preparer(source_language=source_language, processes=processes) as preparer,
    ):
        for prepared in preparer.prepared(_chunks(sources, fmt)):
            if isinstance(prepared, _Unusable):
                summary.unusable.append({"record": prepared.name, "reason": prepared.reason})
            else:
                store_chunk(prepared, user=user, batch=batch, tags=tags)
                for item in prepared:
                    _count(summary, item)
            if on_record:
                on_record(summary)
    return summary


@contextmanager
def _rarer_collections() -> Iterator[None]:
    """While records are imported, the cyclic garbage collector runs after 50,000 new objects
    instead of 700 (and so do a pool's processes, forked meanwhile): an import makes millions
    of short-lived strings, tuples and dicts, almost none of them in cycles."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], GC_EVERY_OBJECTS), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _count(summary: ImportSummary, item: PreparedRecord) -> None:
    if item.error:
        summary.fail(item.label, item.error)
        return
    summary.count(item.outcome)
    if item.outcome != Outcome.SKIPPED:
        for note in item.notes:
            summary.warn(item.label, note)
    for warning in item.warnings:
        summary.warn(item.label, warning)


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
