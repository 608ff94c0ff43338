"""Heartbeats, and tasks left running by a killed worker being run again."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from articles.models import WorkerHeartbeat
from articles.workers import alive_workers, beat, requeue_own, requeue_stranded

pytestmark = pytest.mark.django_db


def _running(worker_id: str, *, minutes_ago: int = 5) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="articles.tasks.translate_article",
        backend_name="default",
        run_after=timezone.now() - timedelta(minutes=minutes_ago),
        started_at=timezone.now() - timedelta(minutes=minutes_ago),
        worker_ids=[worker_id],
    )


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
