"""Work a write's answer does not wait for: run after the commit, once the answer is sent.

`after_answer(key, func)` queues `func` for when the current transaction commits (a rollback
drops it). During a request it then runs when the server closes the response, after the answer
went out; the same key queued twice in one request runs once. Outside a request (commands,
tasks, the shell) it runs at the commit. A process can die before it runs, so nothing queued
here may be the only record that the work is due (articles/refresh.py keeps that record in the
database).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable

from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction

logger = logging.getLogger(__name__)

_local = threading.local()


def after_answer(key: Hashable, func: Callable[[], object]) -> None:
    """Run `func` once the current transaction has committed and the answer is sent."""
    transaction.on_commit(lambda: _queue(key, func))


def _queue(key: Hashable, func: Callable[[], object]) -> None:
    pending = getattr(_local, "pending", None)
    if pending is None:
        _run(func)
    else:
        pending.setdefault(key, func)


def _run(func: Callable[[], object]) -> None:
    try:
        func()
    except Exception:  # The work is recorded as due: a later write or the sweep does it.
        logger.exception("Work after the answer failed; it is left for the next sweep")


def _begin(**kwargs) -> None:
    _local.pending = {}


def _finish(**kwargs) -> None:
    pending = getattr(_local, "pending", None)
    _local.pending = None
    for func in (pending or {}).values():
        _run(func)


def connect() -> None:
    """Hook into requests (from AppConfig.ready)."""
    request_started.connect(_begin, dispatch_uid="articles.deferred.begin")
    request_finished.connect(_finish, dispatch_uid="articles.deferred.finish")
    # Django's own receiver may close the request's database connection (or hand it back to
    # the pool); connected again, it runs after the work above instead of before it.
    request_finished.disconnect(close_old_connections)
    request_finished.connect(close_old_connections)
