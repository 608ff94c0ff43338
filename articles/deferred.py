"""Work a write's answer does not wait for: run after the commit, once the answer is sent.

`after_answer(key, func)` queues `func` for when the current transaction commits (a rollback
drops it). During a request it is then handed, when the answer has been sent, to one thread of
the process that runs such work in turn: the request's thread is free for the next request at
once. Outside a request (commands, tasks, the shell) it runs at the commit. A key names one
piece of work: queued again before its run starts, it runs once (ten saves of one article during
its refresh cost one more refresh, not ten); queued while it runs, it runs once more after.

A process can die before the work runs, so nothing queued here may be the only record that it
is due (articles/refresh.py keeps that record in the database). At a normal exit the process
waits a few seconds for what is queued.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager

from django.core.signals import request_finished, request_started
from django.db import connection, transaction

logger = logging.getLogger(__name__)

# A follow-up thread idle this long closes its database connection.
IDLE_SECONDS = 1.0

_local = threading.local()
_queued: dict[Hashable, Callable[[], object]] = {}
_changed = threading.Condition()
_running = False
_thread: threading.Thread | None = None
_thread_pid: int | None = None
_inline = False


def after_answer(key: Hashable, func: Callable[[], object]) -> None:
    """Run `func` once the current transaction has committed and the answer is sent."""
    transaction.on_commit(lambda: _queue(key, func))


@contextmanager
def inline() -> Iterator[None]:
    """Meanwhile, run handed-over work on the request's own thread, after its answer (to count
    or debug it there: bench/concurrency.py)."""
    global _inline
    _inline = True
    try:
        yield
    finally:
        _inline = False


def drain(timeout: float | None = None) -> bool:
    """Wait until the work handed over so far has run; False if `timeout` passed first."""
    with _changed:
        return _changed.wait_for(lambda: not _queued and not _running, timeout)


def _queue(key: Hashable, func: Callable[[], object]) -> None:
    pending = getattr(_local, "pending", None)
    if pending is None:
        _call(func)
    else:
        pending.setdefault(key, func)


def _hand_over(work: dict[Hashable, Callable[[], object]]) -> None:
    global _thread, _thread_pid
    if _inline:
        for func in work.values():
            _call(func)
        return
    with _changed:
        for key, func in work.items():
            _queued.setdefault(key, func)
        # A forked child does not inherit its parent's thread: it starts its own.
        if _thread is None or _thread_pid != os.getpid() or not _thread.is_alive():
            _thread = threading.Thread(target=_work, name="after-answer", daemon=True)
            _thread_pid = os.getpid()
            _thread.start()
        _changed.notify_all()


def _work() -> None:
    global _running
    while True:
        with _changed:
            if not _queued:
                _running = False
                _changed.notify_all()
            idle = not _changed.wait_for(lambda: _queued, IDLE_SECONDS)
        if idle:
            connection.close()  # no connection kept (or taken from the pool) while idle
            continue
        with _changed:
            key = next(iter(_queued))
            func = _queued.pop(key)
            _running = True
        if not _call(func):
            connection.close()  # perhaps broken: the next piece of work connects afresh


def _call(func: Callable[[], object]) -> bool:
    try:
        func()
    except Exception:  # The work is recorded as due: a later write or the sweep does it.
        logger.exception("Work after the answer failed; it is left for the next sweep")
        return False
    return True


def _begin(**kwargs) -> None:
    _local.pending = {}


def _finish(**kwargs) -> None:
    pending = getattr(_local, "pending", None)
    _local.pending = None
    if pending:
        _hand_over(pending)


def connect() -> None:
    """Hook into requests and the process's exit (from AppConfig.ready)."""
    request_started.connect(_begin, dispatch_uid="articles.deferred.begin")
    request_finished.connect(_finish, dispatch_uid="articles.deferred.finish")
    atexit.register(drain, 10)
