"""Preparing records for import, away from the database: cleaning, segmenting and the search
text, in this process or, for a large file, in a pool of processes that works ahead of the
writes (`Preparer`).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult

from articles.importers.records import (
    ArticleInput,
    InvalidRecord,
    build_article_input,
    clean_record,
)
from articles.importers.source import Origin, RawRecord, RecordError
from articles.importing import align_translation, record_kind_for, segment_values
from articles.search import build_search_text
from articles.text.zwnj_lexicon import lexicon

logger = logging.getLogger(__name__)

# A pool costs its start (a fork) and the records' trip to it and back; it pays once a file
# holds a few chunks, whose preparing then overlaps the writing (bench/import.py).
POOL_MIN_BYTES = int(os.environ.get("IMPORT_POOL_MIN_BYTES", 1024 * 1024))


@dataclass
class PreparedRecord:
    """One record on its way in: what it will be stored as, then what became of it."""

    label: str
    origin: Origin | None = None
    data: ArticleInput | None = None
    translations: dict[int, str] = field(default_factory=dict)
    translation_warning: str | None = None
    segments: list[tuple] = field(default_factory=list)  # `segment_values`, checks run
    search_text: str = ""
    # A record another app stores itself (a RecordKind), kept as read and cleaned.
    record: RawRecord | None = None
    kind: str = ""
    notes: list[str] = field(default_factory=list)
    # Set when it is stored (or when it could not be prepared): counted in this order.
    outcome: str | None = None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def identity(self) -> str:
        return self.data.identity if self.data else ""

    def fail(self, reason: str) -> None:
        self.error = reason


def unexpected(exc: Exception) -> str:
    """What a record's failure says when a pathological text or a bug stopped it."""
    detail = f"{type(exc).__name__}: {exc}"
    return f"could not be imported ({detail[:300]})"


def search_text_for(data: ArticleInput, translations: dict[int, str]) -> str:
    """The search text the article will have (as `refresh_search_text` builds it from rows)."""
    texts = [data.title]
    for draft in data.segments:
        texts += (draft.text, translations.get(draft.position, ""))
    # A text met again (the title is also the first segment) adds no word: folded once.
    return build_search_text(dict.fromkeys(text for text in texts if text))


def prepare(item: RawRecord | RecordError, origin: Origin, source_language: str) -> PreparedRecord:
    """Clean and segment one record, and work out its segments' values and search text;
    whatever goes wrong fails it alone, with the reason."""
    if isinstance(item, RecordError):
        return PreparedRecord(label=item.record, origin=origin, error=item.reason)
    prepared = PreparedRecord(label=item.label, origin=origin)
    try:
        record, cleaned = clean_record(item)
        prepared.notes += [cleaned] if cleaned else []
        kind = record_kind_for(record.fields)
        if kind is not None:
            prepared.record, prepared.kind = record, kind.name
            return prepared
        data = build_article_input(record, source_language=source_language)
        prepared.notes += data.notes
        prepared.translations, prepared.translation_warning = align_translation(data)
        prepared.search_text = search_text_for(data, prepared.translations)
        prepared.segments = segment_values(data, prepared.translations)
        prepared.data = data
    except InvalidRecord as exc:
        prepared.fail(str(exc))
    except Exception as exc:  # a pathological text or a bug must not stop the rest of the file
        logger.exception("unexpected error importing %s", item.label)
        prepared.fail(unexpected(exc))
    return prepared


Chunk = list[tuple[RawRecord | RecordError, Origin]]


def prepare_chunk(chunk: Chunk, source_language: str) -> list[PreparedRecord]:
    return [prepare(item, origin, source_language) for item, origin in chunk]


# Linux's pressure stall information: the share of recent time in which some runnable task
# waited for a core. Above this share over the last ten seconds, no core is taken as free.
CPU_PRESSURE = "/proc/pressure/cpu"
BUSY_PRESSURE = 25.0


def _core_free(cores: int) -> bool:
    """Whether a core is free now: little waiting for a core over the last ten seconds, or,
    where the kernel does not tell, a load average below cores - 1 (over the last minute, so
    slower to see a machine that has just fallen quiet)."""
    try:
        with open(CPU_PRESSURE) as pressure:
            some = dict(field.split("=") for field in pressure.readline().split()[1:])
        return float(some["avg10"]) < BUSY_PRESSURE
    except (OSError, KeyError, ValueError):
        return os.getloadavg()[0] < cores - 1


def pool_size(total_bytes: int) -> int:
    """How many processes to prepare records in: 0 (this one) unless the input is large and
    a core is free for them (`_core_free`: on a busy machine a pool only adds the records'
    trips to it and back).

    `IMPORT_PROCESSES` (environment) sets it whatever the load; 0 or 1 keeps everything in this
    process, as does a process running threads (a fork copies none of them, but may copy a lock
    one of them holds).
    """
    if total_bytes < POOL_MIN_BYTES or threading.active_count() > 1:
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    if "IMPORT_PROCESSES" in os.environ:
        wanted = int(os.environ["IMPORT_PROCESSES"])
    else:
        wanted = cores if _core_free(cores) else 0
    return wanted if wanted >= 2 else 0


class Preparer:
    """Prepares chunks in order: here, or in a pool of forked processes that keeps a few chunks
    ahead of the database (never more, so memory stays bounded however large the file)."""

    def __init__(self, *, source_language: str, processes: int = 0) -> None:
        self.source_language = source_language
        self.processes = processes
        self._pool = None

    def __enter__(self) -> Preparer:
        if self.processes:
            # Fork: the children inherit the loaded text pipeline (its lexicon read first, once)
            # and the registered record kinds. They never touch the database connection.
            lexicon()
            self._pool = multiprocessing.get_context("fork").Pool(self.processes)
        return self

    def __exit__(self, *exc_info) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()

    def prepared(self, chunks: Iterable) -> Iterator:
        """Each chunk (a list) prepared, in order; anything else in the stream passes as is.

        The reading and preparing run in a thread of their own, a few chunks ahead of the
        caller: while the caller waits on the database for one chunk, the next is read (and,
        without a pool, prepared). The thread touches no database connection.
        """
        ahead: queue.Queue = queue.Queue(maxsize=max(2, 2 * self.processes))
        stop = threading.Event()
        reader = threading.Thread(
            target=self._read_ahead, args=(chunks, ahead, stop), name="import-reader", daemon=True
        )
        reader.start()
        try:
            while (entry := ahead.get()) is not _END:
                if isinstance(entry, _Failed):
                    raise entry.error
                yield entry
        finally:
            stop.set()
            # Let a reader blocked on a full queue see the stop, then wait for it to close the
            # files it was reading.
            while reader.is_alive():
                with contextlib.suppress(queue.Empty):
                    ahead.get(timeout=0.05)
            reader.join()

    def _read_ahead(self, chunks: Iterable, ahead: queue.Queue, stop: threading.Event) -> None:
        def hand_over(entry) -> bool:
            while not stop.is_set():
                with contextlib.suppress(queue.Full):
                    ahead.put(entry, timeout=0.05)
                    return True
            return False

        stream = iter(chunks)
        try:
            for entry in self._in_order(stream):
                if not hand_over(entry):
                    return
            hand_over(_END)
        except BaseException as error:  # raised again in the caller's thread
            hand_over(_Failed(error))
        finally:
            if hasattr(stream, "close"):
                stream.close()

    def _in_order(self, chunks: Iterator) -> Iterator:
        if self._pool is None:
            for chunk in chunks:
                is_chunk = isinstance(chunk, list)
                yield prepare_chunk(chunk, self.source_language) if is_chunk else chunk
            return
        waiting: deque = deque()
        for chunk in chunks:
            if isinstance(chunk, list):
                chunk = self._pool.apply_async(prepare_chunk, (chunk, self.source_language))
            waiting.append(chunk)
            if len(waiting) > 2 * self.processes:
                yield _ready(waiting.popleft())
        while waiting:
            yield _ready(waiting.popleft())


# The end of the stream of prepared chunks, and an error the reading thread met.
_END = object()


@dataclass(frozen=True)
class _Failed:
    error: BaseException


def _ready(entry):
    return entry.get() if isinstance(entry, AsyncResult) else entry
