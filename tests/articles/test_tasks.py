"""Import and translation tasks: a passing database error is retried, any failure is shown on
the batch or article page, and the reason is never empty."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client

from articles import import_runs
from articles.models import Article, ArticleStatus, ImportBatch, ImportStatus, Revision
from articles.mt import translate as translate_module
from articles.tasks import run_import_batch, translate_article
from tests.factories import ArticleFactory, SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db

RECORD = '{"title": "خبر کوتاه", "body": "جمله اول است. جمله دوم است."}\n'


@pytest.fixture
def batch(settings, tmp_path, staff_user) -> ImportBatch:
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = SimpleUploadedFile("news.jsonl", RECORD.encode())
    return ImportBatch.objects.create(file=upload, filename="news.jsonl", created_by=staff_user)


def _failing(monkeypatch, target, name: str, error: BaseException, *, times: int | None = None):
    """Make `target.name` raise `error` (the first `times` calls, or always); count the calls."""
    real = getattr(target, name)
    calls = []

    def fail(*args, **kwargs):
        calls.append(1)
        if times is None or len(calls) <= times:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, fail)
    return calls


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (MemoryError(), "MemoryError"),
        (RecursionError(), "RecursionError"),
        (ValueError("no such thing"), "ValueError: no such thing"),
    ],
)
def test_an_import_stopped_by_an_error_names_it_even_without_a_message(
    batch, monkeypatch, error, shown
):
    _failing(monkeypatch, import_runs, "import_sources", error)

    run_import_batch.enqueue(batch.pk)

    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert batch.message == f"import stopped by an unexpected error: {shown}"


def test_a_worker_stopped_mid_import_leaves_the_batch_failed_not_running(batch, monkeypatch):
    _failing(monkeypatch, import_runs, "import_sources", SystemExit(1))

    run_import_batch.enqueue(batch.pk)

    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert batch.message == "import stopped by an unexpected error: SystemExit: 1"


def test_a_passing_database_error_is_retried_and_the_import_lands(batch, monkeypatch):
    calls = _failing(
        monkeypatch, import_runs, "import_sources", OperationalError("database is locked"), times=1
    )

    run_import_batch.enqueue(batch.pk)

    assert len(calls) == 2
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.message) == (ImportStatus.DONE, 1, "")
    assert Article.objects.count() == 1


def test_a_database_error_that_does_not_pass_fails_the_batch_after_its_attempts(
    batch, monkeypatch, settings
):
    settings.TASK_MAX_ATTEMPTS = 3
    calls = _failing(monkeypatch, import_runs, "import_sources", OperationalError("disk I/O error"))

    run_import_batch.enqueue(batch.pk)

    assert len(calls) == 3
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert (
        batch.message == "import stopped by an unexpected error: OperationalError: disk I/O error"
    )


def test_a_translation_that_fails_while_writing_says_why_on_the_review_page(mt_model, monkeypatch):
    article = ArticleFactory(status=ArticleStatus.TRANSLATING)
    SegmentFactory(article=article, source_text="یک")
    _failing(monkeypatch, Revision.objects, "bulk_create", RuntimeError("disk full"))

    translate_article.enqueue(article.pk)

    article.refresh_from_db()
    assert article.mt_error == "machine translation failed: RuntimeError: disk full"
    client = Client()
    client.force_login(UserFactory(groups=["viewer"]))
    page = client.get(f"/articles/{article.pk}/").content.decode()
    assert "machine translation failed: RuntimeError: disk full" in page


def test_a_translation_that_hits_a_locked_database_is_retried(mt_model, monkeypatch):
    article = ArticleFactory(status=ArticleStatus.TRANSLATING)
    segment = SegmentFactory(article=article, source_text="یک")
    calls = _failing(
        monkeypatch,
        translate_module,
        "refresh_search_text",
        OperationalError("database is locked"),
        times=1,
    )

    translate_article.enqueue(article.pk)

    assert len(calls) == 2
    article.refresh_from_db()
    segment.refresh_from_db()
    assert (article.status, article.mt_error) == (ArticleStatus.TRANSLATED, "")
    assert segment.mt_text


def test_an_error_the_engine_reported_is_kept(mt_model, monkeypatch):
    segment = SegmentFactory()

    def broken(package):
        raise RuntimeError("model file is corrupt")

    monkeypatch.setattr(translate_module, "get_engine", broken)

    translate_article.enqueue(segment.article_id)

    article = Article.objects.get(pk=segment.article_id)
    assert article.mt_error == "machine translation failed: model file is corrupt"
