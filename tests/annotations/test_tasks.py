"""Suggestion tasks: after the translation commits, retried, failures shown where expected, and
no "database is locked" on SQLite while someone tags at the same time."""

import json
import subprocess
import sys

import pytest
from django.db import OperationalError
from django.test import Client

from annotations import suggestions, tasks
from annotations.models import Mention, MentionOrigin, SuggestionFailure
from articles.models import ArticleStatus, SegmentStatus
from articles.mt.translate import apply_translation
from tests.conftest import ROOT, process_env
from tests.factories import ArticleFactory, SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db

REFRESH_FAILED = (
    "refreshing entity suggestions after a knowledge-base change failed after 2 attempts: "
    "OperationalError: database is locked"
)


@pytest.fixture
def broken_gazetteer(monkeypatch):
    """Building the gazetteer fails (the first `fail.times` builds, or always); counts builds."""
    real = suggestions.Gazetteer

    def fail(entries):
        fail.calls += 1
        if fail.times is None or fail.calls <= fail.times:
            raise fail.error
        return real(entries)

    fail.calls, fail.times, fail.error = 0, None, RuntimeError("knowledge base unreadable")
    monkeypatch.setattr(suggestions, "Gazetteer", fail)
    monkeypatch.setattr(suggestions, "_gazetteer", None)
    return fail


def _page(path: str) -> str:
    client = Client()
    client.force_login(UserFactory(groups=["viewer"]))
    return client.get(path).content.decode()


def _suggested(article) -> int:
    return Mention.objects.filter(segment__article=article, origin=MentionOrigin.SUGGESTED).count()


def test_a_suggestion_failure_keeps_the_machine_translation(
    mt_model, broken_gazetteer, django_capture_on_commit_callbacks
):
    article = ArticleFactory(status=ArticleStatus.TRANSLATING)
    segment = SegmentFactory(article=article, source_text="روحانی در ایران سخن گفت.")

    with django_capture_on_commit_callbacks(execute=True):
        apply_translation(article_id=article.pk)

    segment.refresh_from_db()
    article.refresh_from_db()
    assert segment.status == SegmentStatus.MACHINE and segment.mt_text
    assert article.status == ArticleStatus.TRANSLATED
    failure = SuggestionFailure.objects.get(article=article)
    assert failure.reason == "entity suggestions failed: RuntimeError: knowledge base unreadable"
    assert failure.reason in _page(f"/articles/{article.pk}/")


def test_with_the_database_queue_suggestions_are_queued_in_the_translations_transaction(
    mt_model, settings
):
    """A worker that dies right after the translation commits has still queued them."""
    from django.db import transaction
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    kept = ArticleFactory(status=ArticleStatus.TRANSLATING)
    SegmentFactory(article=kept, source_text="روحانی در ایران سخن گفت.")
    undone = ArticleFactory(status=ArticleStatus.TRANSLATING)
    SegmentFactory(article=undone, source_text="پوتین در مسکو گفت.")

    apply_translation(article_id=kept.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        apply_translation(article_id=undone.pk)
        raise RuntimeError("the process dies before the commit")

    queued = DBTaskResult.objects.filter(task_path="annotations.tasks.suggest_article")
    assert [(task.args_kwargs["args"], task.status) for task in queued] == [
        ([kept.pk], TaskResultStatus.READY)
    ]


def test_suggestions_run_after_the_translation_commits(
    mt_model, django_capture_on_commit_callbacks
):
    article = ArticleFactory(status=ArticleStatus.TRANSLATING)
    SegmentFactory(article=article, source_text="روحانی در ایران سخن گفت.")

    with django_capture_on_commit_callbacks() as queued:
        apply_translation(article_id=article.pk)

    assert _suggested(article) == 0  # not inside the translation's transaction
    for callback in queued:
        callback()
    assert _suggested(article) == 2  # Rouhani and Iran


def test_a_suggestion_task_that_meets_a_locked_database_is_retried(
    mt_model, broken_gazetteer, django_capture_on_commit_callbacks
):
    broken_gazetteer.error, broken_gazetteer.times = OperationalError("database is locked"), 1
    article = ArticleFactory(status=ArticleStatus.TRANSLATING)
    SegmentFactory(article=article, source_text="روحانی در ایران سخن گفت.")

    with django_capture_on_commit_callbacks(execute=True):
        apply_translation(article_id=article.pk)

    assert broken_gazetteer.calls == 2
    assert _suggested(article) == 2  # Rouhani and Iran
    assert not SuggestionFailure.objects.exists()


def test_a_failed_refresh_is_retried_then_shown_until_one_succeeds(
    api, broken_gazetteer, django_capture_on_commit_callbacks
):
    broken_gazetteer.error = OperationalError("database is locked")
    article = ArticleFactory()
    SegmentFactory(article=article, source_text="خبرگزاری پارس گزارش داد.")

    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(
            "/api/v1/entities/", {"name_en": "Pars", "name_fa": "پارس", "type": "ORG"}
        )

    assert created.status_code == 201
    assert broken_gazetteer.calls == 2  # the refresh, and one retry
    assert REFRESH_FAILED in _page("/entities/")
    assert REFRESH_FAILED in _page(f"/articles/{article.pk}/")

    broken_gazetteer.times = broken_gazetteer.calls  # the knowledge base reads again
    with django_capture_on_commit_callbacks(execute=True):
        api.patch(f"/api/v1/entities/{created.json()['id']}/", {"aliases_en": ["Pars agency"]})

    assert _suggested(article) == 1
    assert REFRESH_FAILED not in _page("/entities/")
    assert not SuggestionFailure.objects.exists()


def test_an_article_that_fails_in_a_refresh_does_not_stop_the_others(monkeypatch):
    bad, good = ArticleFactory(), ArticleFactory()
    for article in (bad, good):
        SegmentFactory(article=article, source_text="روحانی در ایران سخن گفت.")
    real = tasks.suggest_for_article

    def suggest(*, article_id):
        if article_id == bad.pk:
            raise ValueError("a segment the gazetteer cannot read")
        return real(article_id=article_id)

    monkeypatch.setattr(tasks, "suggest_for_article", suggest)

    tasks.refresh_suggestions.enqueue()

    assert (_suggested(bad), _suggested(good)) == (0, 2)  # Rouhani and Iran
    failure = SuggestionFailure.objects.get(article=bad)
    assert (
        failure.reason
        == "entity suggestions failed: ValueError: a segment the gazetteer cannot read"
    )
    assert failure.reason in _page(f"/articles/{bad.pk}/")
    assert failure.reason not in _page(f"/articles/{good.pk}/")


RACE = r"""
import json, threading
import django

django.setup()
from django.db import connection
from annotations import tasks
from annotations.models import Entity, Mention, MentionOrigin
from annotations.mentions import create_mention
from articles.models import Article, Segment

# More articles than one read of an open cursor holds (Django fetches 2,000 rows at a time).
articles = Article.objects.bulk_create(
    Article(identity=f"{n:064x}", title="خبر", raw_text="خبر", content_hash=f"{n:064x}")
    for n in range(2100)
)
text = "روحانی در ایران سخن گفت."
Segment.objects.bulk_create(
    Segment(article=article, position=0, kind="body", source_text=text,
            source_key=Segment.key_for(text))
    for article in articles
)
tagged = Segment.objects.create(
    article=articles[-1], position=1, kind="body", source_text="خبرگزاری",
    source_key=Segment.key_for("خبرگزاری"),
)


def create_and_tag():
    # The review page's "Create and tag", on another connection: a new entity, then a tag.
    entity = Entity.objects.create(name_en="Test agency", type="ORG")
    create_mention(segment=tagged, side="source", start=0, end=8, text="خبرگزاری", entity=entity)
    connection.close()


real = tasks.suggest_for_article
calls = []


def suggest(*, article_id):
    calls.append(article_id)
    if len(calls) == 3:
        other = threading.Thread(target=create_and_tag)
        other.start()
        other.join()
    # Ten articles are enough to show it; the rest are skipped to keep the test quick.
    return real(article_id=article_id) if len(calls) <= 10 else 0


tasks.suggest_for_article = suggest
result = tasks.refresh_suggestions.call()
with_suggestions = (
    Mention.objects.filter(origin=MentionOrigin.SUGGESTED)
    .values("segment__article").distinct().count()
)
print(json.dumps({"result": result, "articles_with_suggestions": with_suggestions}))
"""


def test_a_refresh_on_sqlite_waits_for_a_concurrent_tag_instead_of_failing(sqlite_file, tmp_path):
    """Two connections on a SQLite file in WAL mode, as the embedded default runs: a refresh of
    suggestions, and a tag committed in the middle of it."""
    script = tmp_path / "race.py"
    script.write_text(RACE, encoding="utf-8")

    run = subprocess.run(
        [sys.executable, str(script)],
        cwd=ROOT,
        env=process_env(sqlite_file, DJANGO_SETTINGS_MODULE="newsroom.settings"),
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert run.returncode == 0, run.stderr[-3000:]
    assert "database is locked" not in run.stderr
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    assert outcome["articles_with_suggestions"] == 10
