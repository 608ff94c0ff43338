"""A save's follow-up (articles/refresh.py): the article's search text and status catch up once
the save has committed, and a follow-up lost with its process is done by the next write of the
article or by the sweep."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError, connection
from django.utils import timezone
from rest_framework.test import APIClient

from articles import deferred, refresh
from articles.models import Article, ArticleStatus, Segment, SegmentStatus
from articles.search_index import refresh_search_text
from articles.workers import Heartbeat
from tests.factories import ArticleFactory, SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _article() -> Article:
    article = ArticleFactory(status=ArticleStatus.TRANSLATED)
    for position, text in enumerate(["Rouhani says no coalition", "Talks go on in Vienna."]):
        SegmentFactory(
            article=article,
            position=position,
            target_text=text,
            mt_text=text,
            status=SegmentStatus.MACHINE,
        )
    refresh_search_text(article.pk)
    return article


@pytest.fixture
def article() -> Article:
    return _article()


@pytest.fixture
def client() -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(groups=["editor"]))
    return client


def _save(client: APIClient, article: Article, position: int, text: str):
    segment = article.segments.get(position=position)
    return client.patch(
        f"/api/v1/segments/{segment.pk}/",
        {"target_text": text},
        format="json",
        HTTP_IF_MATCH=segment.etag,
    )


def _found(client: APIClient, word: str) -> list[int]:
    response = client.get("/api/v1/articles/", {"q": word})
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


def _status(article: Article) -> int:
    article.refresh_from_db()
    return article.status


def test_after_the_save_commits_the_search_finds_the_new_word_and_not_the_old(
    article, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _save(client, article, 0, "Rouhani rules out a coalition")

    assert response.status_code == 200
    assert response.json()["target_text"] == "Rouhani rules out a coalition"
    assert response.json()["version"] == 2
    assert _found(client, "rules") == [article.pk]
    assert _found(client, "says") == []
    assert _status(article) == ArticleStatus.IN_REVIEW


def test_a_follow_up_lost_after_the_commit_is_done_by_the_sweep(
    article, client, django_capture_on_commit_callbacks
):
    # Captured and never run: the process stopped between the commit and the follow-up.
    with django_capture_on_commit_callbacks(execute=False):
        response = _save(client, article, 0, "Rouhani rules out a coalition")
    assert response.status_code == 200
    assert _status(article) == ArticleStatus.IN_REVIEW  # shown at once, with the answer
    assert _found(client, "rules") == []

    out = StringIO()
    call_command("refresh_articles", stdout=out)

    assert out.getvalue().strip() == "refreshed 1 article"
    assert _found(client, "rules") == [article.pk]
    assert _status(article) == ArticleStatus.IN_REVIEW
    call_command("refresh_articles", stdout=out)
    assert out.getvalue().splitlines()[-1] == "refreshed 0 articles"


def test_a_follow_up_lost_after_the_commit_is_done_by_the_next_save_of_the_article(
    article, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        _save(client, article, 0, "Rouhani rules out a coalition")
    with django_capture_on_commit_callbacks(execute=True):
        _save(client, article, 1, "Talks resume in Geneva.")

    assert _found(client, "rules") == [article.pk]
    assert _found(client, "geneva") == [article.pk]
    assert not Segment.objects.filter(article=article, needs_refresh=True).exists()


def test_a_failing_follow_up_leaves_the_save_and_the_sweep_repairs_it(
    article, client, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def lost_connection(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(refresh, "remember_words", lost_connection)
    with django_capture_on_commit_callbacks(execute=True):
        response = _save(client, article, 0, "Rouhani rules out a coalition")

    assert response.status_code == 200
    assert "left for the next sweep" in caplog.text
    assert _found(client, "rules") == []
    monkeypatch.undo()
    assert refresh.refresh_due() == 1
    assert _found(client, "rules") == [article.pk]


def test_task_workers_sweep_what_a_stopped_process_left_but_not_a_save_just_made(
    article, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        _save(client, article, 0, "Rouhani rules out a coalition")
    heartbeat = Heartbeat("worker-1")

    heartbeat.tick()
    assert _found(client, "rules") == []  # its own follow-up may still be on its way

    stopped = timezone.now() - timedelta(minutes=2)
    Segment.objects.filter(article=article).update(updated_at=stopped)
    heartbeat.tick()
    assert _found(client, "rules") == [article.pk]


def test_refresh_all_rebuilds_every_article(client):
    first, second = _article(), _article()
    Article.objects.update(search_text="")

    out = StringIO()
    call_command("refresh_articles", "--all", stdout=out)

    assert out.getvalue().strip() == "refreshed 2 articles"
    assert sorted(_found(client, "vienna")) == sorted([first.pk, second.pk])


@pytest.mark.django_db(transaction=True)
def test_the_follow_up_runs_after_the_save_has_committed_and_the_answer(monkeypatch):
    article = _article()
    client = APIClient()
    # Staff: the editor group, made by a migration, is gone once a transactional test flushed.
    client.force_authenticate(UserFactory(is_staff=True))
    seen = []
    release = threading.Event()
    original = refresh.refresh_articles

    def watched(article_ids, **kwargs):
        # Outside the save's transaction: what it wrote is committed for everyone.
        seen.append(connection.in_atomic_block)
        release.wait(10)
        try:
            return original(article_ids, **kwargs)
        finally:
            connection.close()  # the follow-up thread's own: the test database is dropped last

    monkeypatch.setattr(refresh, "refresh_articles", watched)

    response = _save(client, article, 0, "Rouhani rules out a coalition")

    # The answer came while the follow-up was still held back.
    assert response.status_code == 200
    assert response.json()["target_text"] == "Rouhani rules out a coalition"
    assert _found(client, "rules") == []
    release.set()
    assert deferred.drain(timeout=10)
    assert seen == [False]
    assert _found(client, "rules") == [article.pk]
    assert _status(article) == ArticleStatus.IN_REVIEW


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="concurrent writers: the tests' SQLite is one in-memory database",
)
def test_saves_racing_on_one_article_all_reach_its_search_text(monkeypatch):
    article = ArticleFactory()
    segments = [
        SegmentFactory(article=article, position=position, target_text=f"Line {position}.")
        for position in range(6)
    ]
    editor = UserFactory(is_staff=True)
    failures = []
    original = refresh.refresh_articles

    def closing(article_ids, **kwargs):
        try:
            return original(article_ids, **kwargs)
        finally:
            connection.close()  # the follow-up thread's own: the test database is dropped last

    monkeypatch.setattr(refresh, "refresh_articles", closing)

    def edit(segment: Segment) -> None:
        client = APIClient()
        client.force_authenticate(editor)
        etag = segment.etag
        try:
            for n in range(4):
                response = client.patch(
                    f"/api/v1/segments/{segment.pk}/",
                    {"target_text": f"word{segment.position}x{n} here"},
                    format="json",
                    HTTP_IF_MATCH=etag,
                )
                if response.status_code != 200:
                    failures.append(response.status_code)
                    return
                etag = response["ETag"]
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(segment,)) for segment in segments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert deferred.drain(timeout=30)

    assert failures == []
    client = APIClient()
    client.force_authenticate(editor)
    for position in range(6):
        assert _found(client, f"word{position}x3") == [article.pk]
        assert _found(client, f"word{position}x2") == []
    assert not Segment.objects.filter(needs_refresh=True).exists()
    assert _status(article) == ArticleStatus.IN_REVIEW
