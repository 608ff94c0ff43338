"""Work a write's answer does not wait for: run after the commit, once the answer is sent.

`after_answer(key, func)` queues `func` for when the current transaction commits (a rollback
drops it). During a request it then runs when the server closes the response, after the answer
went out; outside a request (commands, tasks, the shell) it runs at the commit. A key names one
piece of work: queued twice in a request it runs once, and asked for while another thread of
the process runs it, that thread runs it once more instead (so ten saves of one article
committing during its refresh cost one more refresh, not ten).

A process can die before the work runs, so nothing queued here may be the only record that it
is due (articles/refresh.py keeps that record in the database).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable

from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction

logger = logging.getLogger(__name__)

_local = threading.local()
# Keys being run by some thread of this process -> whether it was asked for again meanwhile.
_running: dict[Hashable, bool] = {}
_running_lock = threading.Lock()


def after_answer(key: Hashable, func: Callable[[], object]) -> None:
    """Run `func` once the current transaction has committed and the answer is sent."""
    transaction.on_commit(lambda: _queue(key, func))


def _queue(key: Hashable, func: Callable[[], object]) -> None:
    pending = getattr(_local, "pending", None)
    if pending is None:
        _run(key, func)
    else:
        pending.setdefault(key, func)


def _run(key: Hashable, func: Callable[[], object]) -> None:
    with _running_lock:
        if key in _running:
            _running[key] = True  # the thread running it goes once more, after this commit
            return
        _running[key] = False
    try:
        while True:
            _call(func)
            with _running_lock:
                if not _running[key]:
                    del _running[key]  # under the lock: a later ask runs it itself
                    return
                _running[key] = False
    except BaseException:
        with _running_lock:
            _running.pop(key, None)
        raise


def _call(func: Callable[[], object]) -> None:
    try:
        func()
    except Exception:  # The work is recorded as due: a later write or the sweep does it.
        logger.exception("Work after the answer failed; it is left for the next sweep")


def _begin(**kwargs) -> None:
    _local.pending = {}


def _finish(**kwargs) -> None:
    pending = getattr(_local, "pending", None)
    _local.pending = None
    for key, func in (pending or {}).items():
        _run(key, func)


def connect() -> None:
    """Hook into requests (from AppConfig.ready)."""
    request_started.connect(_begin, dispatch_uid="articles.deferred.begin")
    request_finished.connect(_finish, dispatch_uid="articles.deferred.finish")
    # Django's own receiver may close the request's database connection (or hand it back to
    # the pool); connected again, it runs after the work above instead of before it.
    request_finished.disconnect(close_old_connections)
    request_finished.connect(close_old_connections)
