"""A task for tests/newsroom/test_multiprocess.py: each run leaves one line in a file."""

import os
import time

from django_tasks import task


@task()
def record_run(number: int, path: str) -> int:
    """Append "number pid" to the file (one short O_APPEND write: lines never interleave)."""
    time.sleep(0.02)  # long enough for both workers to be polling while the queue drains
    with open(path, "a", encoding="utf-8") as runs:
        runs.write(f"{number} {os.getpid()}\n")
    return os.getpid()
