"""Work a write's answer does not wait for: run after the commit, once the answer is sent.

`after_answer(func, item)` queues `func([item])` for when the current transaction commits (a
rollback drops it). During a request it is then handed, when the answer has been sent, to one
thread of the process that runs such work in turn, so the request's thread is free for the next
request at once; that thread calls `func` once with every item queued for it meanwhile (an item
queued twice before its run counts once), and it starts a run at most every GATHER_SECONDS, so a
hundred saves answered in that time cost one refresh of their articles, not a hundred. Outside a
request (commands, tasks, the shell) the work runs at the commit.

A process can die before the work runs, so nothing queued here may be the only record that it
is due (articles/refresh.py keeps that record in the database). At a normal exit the process
waits a few seconds for what is queued.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager

from django.core.signals import request_finished, request_started
from django.db import connection, transaction

logger = logging.getLogger(__name__)

# A follow-up thread idle this long closes its database connection.
IDLE_SECONDS = 1.0
# Under a stream of saves the thread starts a run at most this often, so that one run takes in
# every save of the interval: sixty saves a second then cost a few refreshes, not sixty.
GATHER_SECONDS = 1.0

Work = Callable[[list], object]

_local = threading.local()
_queued: dict[Work, dict[Hashable, None]] = {}
_changed = threading.Condition()
_running = False
_thread: threading.Thread | None = None
_thread_pid: int | None = None
_inline = False


def after_answer(func: Work, item: Hashable) -> None:
    """Call `func` with `item` (among others) once this transaction commits and the answer is
    sent."""
    transaction.on_commit(lambda: _queue(func, item))


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


def _queue(func: Work, item: Hashable) -> None:
    pending = getattr(_local, "pending", None)
    if pending is None:
        _call(func, [item])
    else:
        pending.setdefault(func, {})[item] = None


def _hand_over(work: dict[Work, dict[Hashable, None]]) -> None:
    global _thread, _thread_pid
    if _inline:
        for func, items in work.items():
            _call(func, list(items))
        return
    with _changed:
        for func, items in work.items():
            _queued.setdefault(func, {}).update(items)
        # A forked child does not inherit its parent's thread: it starts its own.
        if _thread is None or _thread_pid != os.getpid() or not _thread.is_alive():
            _thread = threading.Thread(target=_work, name="after-answer", daemon=True)
            _thread_pid = os.getpid()
            _thread.start()
        _changed.notify_all()


def _work() -> None:
    global _running
    last_start = -GATHER_SECONDS
    while True:
        with _changed:
            if not _queued:
                _running = False
                _changed.notify_all()
            idle = not _changed.wait_for(lambda: _queued, IDLE_SECONDS)
            if not idle:
                _running = True
        if not idle:
            # Work arriving soon after the last run waits for the rest of the interval.
            time.sleep(max(0.0, last_start + GATHER_SECONDS - time.monotonic()))
            last_start = time.monotonic()
            with _changed:
                func = next(iter(_queued))
                items = list(_queued.pop(func))
        if idle:
            connection.close()  # no connection kept (or taken from the pool) while idle
        elif not _call(func, items):
            connection.close()  # perhaps broken: the next piece of work connects afresh


def _call(func: Work, items: list) -> bool:
    try:
        func(items)
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
