"""Heartbeats, and tasks left running by a killed worker being run again (a bounded number of
times)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from articles.models import ArticleStatus, ImportBatch, ImportStatus, WorkerHeartbeat
from articles.workers import alive_workers, beat, requeue_own, requeue_stranded
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

STOPPED_TWICE = "stopped twice while running; not retried"


def _running(
    worker_id: str,
    *,
    minutes_ago: int = 5,
    task_path: str = "articles.tasks.translate_article",
    args: list | None = None,
) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": args or [1], "kwargs": {}},
        task_path=task_path,
        backend_name="default",
        run_after=timezone.now() - timedelta(minutes=minutes_ago),
        started_at=timezone.now() - timedelta(minutes=minutes_ago),
        worker_ids=[worker_id],
    )


def _claimed_again_and_killed(task: DBTaskResult, worker_id: str) -> None:
    """What the next worker does with a requeued task, when the task kills it too."""
    _seen(worker_id, seconds_ago=120)
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - timedelta(minutes=2),
        worker_ids=[*task.worker_ids, worker_id],
    )
    task.refresh_from_db()


def _seen(worker_id: str, *, seconds_ago: int) -> None:
    beat(worker_id)
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(
        seen_at=timezone.now() - timedelta(seconds=seconds_ago)
    )


def test_a_task_whose_worker_went_silent_is_run_again():
    _seen("dead", seconds_ago=120)
    stranded = _running("dead")

    assert requeue_stranded() == 1

    stranded.refresh_from_db()
    assert stranded.status == TaskResultStatus.READY
    assert DBTaskResult.objects.ready().filter(pk=stranded.pk).exists()


def test_a_task_of_a_live_worker_is_left_alone():
    _seen("busy", seconds_ago=1)
    running = _running("busy")

    assert requeue_stranded() == 0

    running.refresh_from_db()
    assert running.status == TaskResultStatus.RUNNING


def test_a_task_that_just_started_is_given_time():
    fresh = _running("never-reported", minutes_ago=0)

    assert requeue_stranded() == 0
    fresh.refresh_from_db()
    assert fresh.status == TaskResultStatus.RUNNING


def test_a_restarted_worker_takes_back_its_own_tasks_at_once():
    _seen("same-id", seconds_ago=0)
    mine = _running("same-id", minutes_ago=0)
    other = _running("someone-else", minutes_ago=0)

    assert requeue_own("same-id") == 1

    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.status, other.status) == (TaskResultStatus.READY, TaskResultStatus.RUNNING)


def test_only_recent_heartbeats_count_as_alive():
    _seen("old", seconds_ago=300)
    _seen("new", seconds_ago=2)

    assert list(alive_workers().values_list("worker_id", flat=True)) == ["new"]


def test_an_import_that_stopped_two_workers_fails_with_the_reason_on_its_batch(staff_user):
    batch = ImportBatch.objects.create(
        filename="poison.json", status=ImportStatus.RUNNING, created_by=staff_user
    )
    _seen("first", seconds_ago=120)
    task = _running("first", task_path="articles.tasks.run_import_batch", args=[batch.pk])

    assert requeue_stranded() == 1  # one stop: it may have been bad luck, run it again
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY
    _claimed_again_and_killed(task, "second")

    assert requeue_stranded() == 0
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert not DBTaskResult.objects.ready().exists()
    assert STOPPED_TWICE in task.traceback
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and batch.finished_at is not None
    assert batch.message.startswith(f"import {STOPPED_TWICE}")
    # Later heartbeats leave it failed: never running again, never in a loop.
    assert requeue_stranded() == 0
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED

    api = APIClient()
    api.force_authenticate(staff_user)
    body = api.get(f"/api/v1/imports/{batch.pk}/").json()
    assert body["status"] == "failed" and STOPPED_TWICE in body["message"]
    admin = Client()
    admin.force_login(staff_user)
    page = admin.get(f"/admin/articles/importbatch/{batch.pk}/change/").content.decode()
    assert STOPPED_TWICE in page


def test_a_translation_that_stopped_two_workers_says_so_on_the_review_page():
    article = ArticleFactory(status=ArticleStatus.TRANSLATING)
    _seen("first", seconds_ago=120)
    task = _running("first", args=[article.pk])
    requeue_stranded()
    task.refresh_from_db()
    _claimed_again_and_killed(task, "second")

    requeue_stranded()

    article.refresh_from_db()
    assert article.mt_error.startswith(f"machine translation {STOPPED_TWICE}")
    client = Client()
    client.force_login(UserFactory(groups=["viewer"]))
    page = client.get(f"/articles/{article.pk}/").content.decode()
    assert f"machine translation {STOPPED_TWICE}" in page


def test_a_restarted_worker_gives_up_on_its_own_task_that_stopped_it_twice():
    _seen("same-id", seconds_ago=0)
    task = _running("same-id", minutes_ago=0)
    DBTaskResult.objects.filter(pk=task.pk).update(worker_ids=["same-id", "same-id"])

    assert requeue_own("same-id") == 0

    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED


def test_a_retried_task_counts_its_earlier_attempt():
    """An attempt queued after a passing error (see articles/retries.py) that then stops its
    worker has had its two runs."""
    _seen("dead", seconds_ago=120)
    task = _running("dead")
    DBTaskResult.objects.filter(pk=task.pk).update(
        args_kwargs={"args": [1], "kwargs": {"attempt": 2}}
    )

    assert requeue_stranded() == 0
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED


def test_more_attempts_can_be_allowed(settings):
    settings.TASK_MAX_ATTEMPTS = 3
    _seen("first", seconds_ago=120)
    task = _running("first")
    requeue_stranded()
    task.refresh_from_db()
    _claimed_again_and_killed(task, "second")

    assert requeue_stranded() == 1
