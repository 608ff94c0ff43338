"""Bounded retries of background tasks, and the page a task reports to when it gives up.

django-tasks runs a task once. A task here is wrapped in `retried(report=...)` under `@task()`:
a passing database error (locked, connection lost) enqueues it again a little later, until
TASK_MAX_ATTEMPTS runs; any other error, or the last attempt, calls `report` so the batch or
article the task works for says why. Runs that killed their worker count as attempts too
(articles/workers.py), so no task is run again and again.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Errors that can pass by themselves; anything else would only fail again the same way.
PASSING_ERRORS = (OperationalError, InterfaceError)


class Report(Protocol):
    """Called with the task's own arguments and `reason`, a clause that follows a subject:
    "stopped twice while running; not retried", "failed: ValueError: ..."."""

    def __call__(self, *args: Any, reason: str, **kwargs: Any) -> None: ...


def describe_error(error: BaseException) -> str:
    """Never empty: MemoryError() and many RecursionErrors carry no message, so the type names
    what happened."""
    message = str(error).strip()
    name = type(error).__name__
    return f"{name}: {message}" if message else name


def times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def retried(*, report: Report) -> Callable[[Callable], Callable]:
    """Decorate a task function (below `@task()`); it gains a keyword `attempt`, counted from 1."""

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def run(*args: Any, attempt: int = 1, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except BaseException as error:
                if not isinstance(error, Exception):
                    reason = f"was stopped with its worker ({type(error).__name__}); not retried"
                elif isinstance(error, PASSING_ERRORS) and attempt < settings.TASK_MAX_ATTEMPTS:
                    if _enqueue_again(run, args, kwargs, attempt=attempt + 1):
                        raise
                    reason = f"failed: {describe_error(error)}; it could not be queued again"
                elif attempt > 1:
                    reason = f"failed after {attempt} attempts: {describe_error(error)}"
                else:
                    reason = f"failed: {describe_error(error)}"
                report_failure(report, args, kwargs, reason=reason)
                raise

        run.report_failure = report  # type: ignore[attr-defined]
        return run

    return decorate


def report_failure(report: Report, args: Any, kwargs: dict, *, reason: str) -> None:
    """Tell the task's page; a report that fails itself is logged, never hiding the task's error."""
    kwargs = {key: value for key, value in kwargs.items() if key != "attempt"}
    try:
        report(*args, reason=reason, **kwargs)
    except Exception:
        logger.exception("Could not record a task's failure (%s)", reason)


def _enqueue_again(func: Callable, args: Any, kwargs: dict, *, attempt: int) -> bool:
    task = import_string(f"{func.__module__}.{func.__qualname__}")
    if task.get_backend().supports_defer:
        delay = timedelta(seconds=settings.TASK_RETRY_DELAY_SECONDS)
        task = task.using(run_after=timezone.now() + delay)
    try:
        task.enqueue(*args, attempt=attempt, **kwargs)
    except Exception:
        logger.exception("Could not queue attempt %d of task %s", attempt, task.name)
        return False
    logger.warning("Task %s hit a passing error; attempt %d queued", task.name, attempt)
    return True


def enqueue_with_transaction(task: Any, *args: Any, **kwargs: Any) -> None:
    """Queue `task` as part of the transaction that asks for it, so neither lands alone.

    The database backend writes the queued task in the current transaction: a process that dies
    after the commit has still queued it, and a rollback takes it back. A backend that runs tasks
    at once (the tests' immediate backend) would run it inside the transaction instead, so there
    it waits for the commit.
    """
    from django.db import transaction
    from django_tasks.backends.immediate import ImmediateBackend

    if isinstance(task.get_backend(), ImmediateBackend):
        transaction.on_commit(functools.partial(task.enqueue, *args, **kwargs), robust=True)
    else:
        task.enqueue(*args, **kwargs)
