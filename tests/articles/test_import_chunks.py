"""Records stored a chunk at a time: what a user sees is what one-by-one storing gave them."""

import json

import pytest
from django.db import DatabaseError

from articles import import_chunks, import_prepare, import_runs
from articles.import_runs import run_batch
from articles.importers.source import ImportSource
from articles.models import Article, ImportBatch, Revision, Segment, SourceVersion
from tests.articles.test_import import run_import, write_jsonl

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of three records, so a few records span several chunks."""
    monkeypatch.setattr(import_runs, "CHUNK_RECORDS", 3)


def _record(n: int, text: str = "", **extra) -> dict:
    body = text or f"متن خبر شماره {n} درباره گفتگوی هستهای است."
    return {"title": f"خبر {n}", "body": body, "url": f"https://e.ir/c{n}", **extra}


def _stored() -> list:
    """Everything an import leaves, without ids and times: articles, segments, versions, tags."""
    rows = []
    for article in Article.objects.order_by("identity"):
        rows.append(
            (
                article.identity,
                article.url,
                article.title,
                article.raw_text,
                article.content_hash,
                article.search_text,
                sorted(article.tags.values_list("name", flat=True)),
                list(
                    article.segments.order_by("position").values_list(
                        "position",
                        "kind",
                        "source_text",
                        "source_key",
                        "source_fold",
                        "target_text",
                        "status",
                        "checks",
                        "failing_checks",
                    )
                ),
                sorted(
                    article.source_versions.values_list(
                        "content_hash", "file_sha256", "file_position"
                    )
                ),
                list(
                    Revision.objects.filter(segment__article=article)
                    .order_by("segment__position")
                    .values_list("text", "origin", "version")
                ),
            )
        )
    return rows


def _mixed_file(tmp_path):
    """New records, an article met twice with two texts, tags and an imported translation."""
    translated = _record(
        5,
        "رئیس جمهور سخن گفت. او از صلح گفت.",
        translation={"title": "News 5", "body": "The president spoke. He spoke of peace."},
        tags=["سیاست", "ایران"],
    )
    return write_jsonl(
        tmp_path / "mixed.jsonl",
        [
            _record(1, tags=["سیاست"]),
            _record(2),
            _record(3, "نسخه نخست خبر سه."),
            _record(4),
            translated,
            _record(3, "نسخه دوم خبر سه."),
            _record(6),
            _record(3, "نسخه نخست خبر سه."),
        ],
    )


def test_a_chunk_holding_a_bad_record_imports_the_good_ones_and_names_the_bad_one(
    tmp_path, small_chunks, monkeypatch
):
    from articles import importing

    real, real_insert = importing.record_imported_targets, import_chunks.insert_values
    full = "could not extend file: No space left on device"

    def disk_full_on_the_fifth(segments, *, user):
        real(segments, user=user)
        if any("شماره 5" in segment.source_text for segment in segments):
            raise DatabaseError(full)

    def disk_full_on_a_chunk_with_the_fifth(model, names, rows, **options):
        ids = real_insert(model, names, rows, **options)
        if model is Segment and any("شماره 5" in str(row) for row in rows):
            raise DatabaseError(full)
        return ids

    monkeypatch.setattr(import_chunks, "insert_values", disk_full_on_a_chunk_with_the_fifth)
    monkeypatch.setattr(importing, "record_imported_targets", disk_full_on_the_fifth)
    records = [_record(n) for n in range(1, 8)]
    records[1]["published_at"] = "دیروز"  # fails while it is prepared
    path = write_jsonl(tmp_path / "bad.jsonl", records)

    code, out, err = run_import(path)

    assert code == 1
    assert out.strip().endswith("created 5, updated 0, skipped 0, failed 2")
    assert "bad.jsonl line 2: published_at" in err
    assert "bad.jsonl line 5: database error: could not extend file" in err
    assert sorted(Article.objects.values_list("url", flat=True)) == [
        f"https://e.ir/c{n}" for n in (1, 3, 4, 6, 7)
    ]
    for article in Article.objects.all():
        assert article.segments.count() == 2
        assert article.source_versions.count() == 1
        assert "گفتگوی" in article.search_text
    batch = ImportBatch.objects.get()
    assert [error["record"] for error in batch.errors] == ["bad.jsonl line 2", "bad.jsonl line 5"]


def test_chunks_store_exactly_what_one_by_one_storing_stores(tmp_path, small_chunks, monkeypatch):
    path = _mixed_file(tmp_path)
    code, chunked_out, _ = run_import(path)
    assert code == 0
    chunked = _stored()
    Article.objects.all().delete()

    def bulk_write_fails(*args, **kwargs):
        raise DatabaseError("no bulk writes today")

    monkeypatch.setattr(import_chunks, "_write", bulk_write_fails)
    code, one_by_one_out, _ = run_import(path)

    assert code == 0
    assert chunked_out == one_by_one_out
    assert chunked_out.strip().endswith("created 6, updated 2, skipped 0, failed 0")
    assert _stored() == chunked


def test_importing_the_same_file_again_skips_every_record(tmp_path, small_chunks):
    path = _mixed_file(tmp_path)
    run_import(path)
    before = _stored()

    code, out, err = run_import(path)

    assert code == 0
    assert out.strip().endswith("created 0, updated 0, skipped 8, failed 0")
    assert "mixed.jsonl line 6: a later record of this file already gave this article" in err
    assert _stored() == before


def test_a_changed_record_updates_its_article_and_the_rest_are_skipped(tmp_path, small_chunks):
    records = [_record(n) for n in range(1, 8)]
    path = write_jsonl(tmp_path / "feed.jsonl", records)
    run_import(path)
    records[3] = _record(4, "متن تازه و اصلاح‌شده خبر چهار.", tags=["تازه"])
    path = write_jsonl(tmp_path / "feed.jsonl", records)

    code, out, _ = run_import(path)

    assert code == 0
    assert out.strip().endswith("created 0, updated 1, skipped 6, failed 0")
    article = Article.objects.get(url="https://e.ir/c4")
    assert list(article.segments.values_list("source_text", flat=True)) == [
        "خبر 4",
        "متن تازه و اصلاح‌شده خبر چهار.",
    ]
    assert " اصلاحشده " in article.search_text and "گفتگوی" not in article.search_text
    assert list(article.tags.values_list("name", flat=True)) == ["تازه"]
    assert SourceVersion.objects.filter(article=article).count() == 2
    assert Article.objects.search("اصلاح شده").get() == article


def test_a_batch_shows_its_progress_chunk_by_chunk(tmp_path, small_chunks, monkeypatch):
    monkeypatch.setattr(import_runs, "PROGRESS_EVERY_SECONDS", 0)
    path = write_jsonl(tmp_path / "seven.jsonl", [_record(n) for n in range(1, 8)])
    batch = ImportBatch.objects.create(filename="seven.jsonl")
    seen = []
    real_save = ImportBatch.save

    def watch(self, *args, **kwargs):
        seen.append((self.bytes_read, self.created_count, self.status))
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(ImportBatch, "save", watch)
    read = []

    summary = run_batch(batch=batch, sources=[ImportSource.from_path(path)], on_read=read.append)

    assert summary.created == 7
    assert sum(read) == path.stat().st_size
    created = [count for _, count, status in seen if status == "running"]
    assert created[-1] == 7 and set(created) >= {3, 6}
    assert created == sorted(created)
    batch.refresh_from_db()
    assert (batch.status, batch.bytes_read, batch.created_count) == ("done", sum(read), 7)
    assert batch.progress_percent == 100


def test_a_pool_of_processes_prepares_the_same_articles(tmp_path, small_chunks, monkeypatch):
    path = _mixed_file(tmp_path)
    run_import(path)
    here = _stored()
    Article.objects.all().delete()
    monkeypatch.setattr(import_prepare, "POOL_MIN_BYTES", 0)
    monkeypatch.setenv("IMPORT_PROCESSES", "2")
    assert import_prepare.pool_size(path.stat().st_size) == 2

    code, out, _ = run_import(path)

    assert code == 0
    assert out.strip().endswith("created 6, updated 2, skipped 0, failed 0")
    assert _stored() == here


def test_records_an_export_brings_back_are_stored_between_the_others(tmp_path, small_chunks):
    """A record another app stores (an exported article) keeps its place in the file."""
    export = {
        "title": "خبر صادرشده",
        "url": "https://e.ir/c2",
        "segments": [
            {"position": 0, "kind": "title", "source_text": "خبر صادرشده"},
            {"position": 1, "kind": "body", "source_text": "متن صادرشده."},
        ],
    }
    path = tmp_path / "mixed.json"
    path.write_text(
        json.dumps([_record(1), export, _record(2), _record(3)], ensure_ascii=False),
        encoding="utf-8",
    )

    code, out, err = run_import(path)

    assert code == 0, err
    assert out.strip().endswith("created 3, updated 1, skipped 0, failed 0")
    article = Article.objects.get(url="https://e.ir/c2")
    assert "متن خبر شماره 2" in " ".join(article.segments.values_list("source_text", flat=True))


@pytest.mark.parametrize(
    ("size", "load", "setting", "expected"),
    [
        (512 * 1024, 0.0, None, 0),  # a small file: this process
        (8 * 1024 * 1024, 0.2, None, 2),  # a large file, a free core: every core
        (8 * 1024 * 1024, 5.0, None, 0),  # no free core: a pool would only add work
        (8 * 1024 * 1024, 5.0, "2", 2),  # asked for, whatever the load
        (8 * 1024 * 1024, 0.2, "1", 0),  # turned off
    ],
)
def test_large_files_are_prepared_in_a_pool_when_a_core_is_free(
    monkeypatch, tmp_path, size, load, setting, expected
):
    # A kernel without pressure information: the load average tells.
    monkeypatch.setattr(import_prepare, "CPU_PRESSURE", str(tmp_path / "none"))
    monkeypatch.setattr(import_prepare.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(import_prepare.os, "getloadavg", lambda: (load, load, load))
    monkeypatch.setattr(import_prepare.threading, "active_count", lambda: 1)
    if setting is None:
        monkeypatch.delenv("IMPORT_PROCESSES", raising=False)
    else:
        monkeypatch.setenv("IMPORT_PROCESSES", setting)

    assert import_prepare.pool_size(size) == expected


@pytest.mark.parametrize(
    ("some_avg10", "load", "expected"),
    [
        ("1.99", 1.8, 2),  # the last minute was busy, the last ten seconds are not: a core is free
        ("62.50", 0.2, 0),  # tasks wait for a core now, whatever the last minute was
    ],
)
def test_waiting_for_a_core_now_tells_before_the_load_average(
    monkeypatch, tmp_path, some_avg10, load, expected
):
    pressure = tmp_path / "cpu"
    pressure.write_text(
        f"some avg10={some_avg10} avg60=3.00 avg300=2.00 total=49760574\n"
        "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
    )
    monkeypatch.setattr(import_prepare, "CPU_PRESSURE", str(pressure))
    monkeypatch.setattr(import_prepare.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(import_prepare.os, "getloadavg", lambda: (load, load, load))
    monkeypatch.setattr(import_prepare.threading, "active_count", lambda: 1)
    monkeypatch.delenv("IMPORT_PROCESSES", raising=False)

    assert import_prepare.pool_size(8 * 1024 * 1024) == expected


def test_the_first_chunks_are_small_and_grow_to_the_full_size(tmp_path, monkeypatch):
    """The writing starts after a few records are prepared; later chunks carry the full count."""
    monkeypatch.setattr(import_runs, "FIRST_CHUNK_RECORDS", 2)
    monkeypatch.setattr(import_runs, "CHUNK_RECORDS", 10)
    path = write_jsonl(tmp_path / "many.jsonl", [_record(n) for n in range(1, 31)])

    chunks = list(import_runs._chunks([ImportSource.from_path(path)], "auto"))

    assert [len(chunk) for chunk in chunks] == [2, 4, 8, 10, 6]
    positions = [origin.position for chunk in chunks for _, origin in chunk]
    assert positions == list(range(1, 31))


def test_an_import_collects_garbage_less_often_and_leaves_the_setting_as_it_was(tmp_path):
    import gc

    before = gc.get_threshold()
    during = []
    real = import_runs.store_chunk

    def store(chunk, **options):
        during.append(gc.get_threshold()[0])
        real(chunk, **options)

    path = write_jsonl(tmp_path / "few.jsonl", [_record(n) for n in range(1, 4)])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(import_runs, "store_chunk", store)
        code, _, _ = run_import(path)

    assert code == 0
    assert during and all(threshold == import_runs.GC_EVERY_OBJECTS for threshold in during)
    assert gc.get_threshold() == before


def _readers() -> list:
    import threading

    return [thread for thread in threading.enumerate() if thread.name == "import-reader"]


def test_a_file_that_breaks_while_it_is_read_stops_the_import_and_says_why(
    tmp_path, small_chunks, monkeypatch
):
    """Records are read in a thread ahead of the writing: what goes wrong there reaches the
    batch, after the chunks read before it are stored, and leaves no thread behind."""
    path = write_jsonl(tmp_path / "seven.jsonl", [_record(n) for n in range(1, 8)])
    real = import_runs._records

    def records(source, fmt):
        for number, record in enumerate(real(source, fmt), start=1):
            if number == 7:
                raise RuntimeError("the disk went away")
            yield record

    monkeypatch.setattr(import_runs, "_records", records)
    batch = ImportBatch.objects.create(filename="seven.jsonl")

    with pytest.raises(RuntimeError, match="the disk went away"):
        run_batch(batch=batch, sources=[ImportSource.from_path(path)])

    batch.refresh_from_db()
    assert batch.status == "failed"
    assert batch.message == (
        "import stopped by an unexpected error: RuntimeError: the disk went away"
    )
    assert Article.objects.count() == 6
    assert not _readers()


def test_an_import_stopped_while_storing_stops_its_reading(tmp_path, small_chunks, monkeypatch):
    path = write_jsonl(tmp_path / "many.jsonl", [_record(n) for n in range(1, 61)])
    stored = []
    real = import_runs.store_chunk

    def store(chunk, **options):
        if stored:
            raise KeyboardInterrupt
        stored.append(len(chunk))
        real(chunk, **options)

    monkeypatch.setattr(import_runs, "store_chunk", store)
    batch = ImportBatch.objects.create(filename="many.jsonl")

    with pytest.raises(KeyboardInterrupt):
        run_batch(batch=batch, sources=[ImportSource.from_path(path)])

    batch.refresh_from_db()
    assert batch.status == "failed"
    assert Article.objects.count() == 3
    assert not _readers()


def test_the_reading_thread_opens_no_database_connection(tmp_path, small_chunks, monkeypatch):
    """A connection opened there would stay open in a long-lived worker after every import."""
    import threading

    from django.db.backends.base.base import BaseDatabaseWrapper

    opened = []
    real = BaseDatabaseWrapper.connect

    def connect(self):
        opened.append(threading.current_thread().name)
        return real(self)

    monkeypatch.setattr(BaseDatabaseWrapper, "connect", connect)
    code, _, _ = run_import(_mixed_file(tmp_path))

    assert code == 0
    assert "import-reader" not in opened
