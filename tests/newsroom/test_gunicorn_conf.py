"""gunicorn.conf.py: a worker takes no more connections than it has threads to serve them."""

import runpy
from pathlib import Path

from gunicorn.config import Config

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


class _Server:
    def __init__(self, threads: int) -> None:
        self.cfg = Config()
        self.cfg.set("threads", threads)


def test_each_worker_takes_as_many_connections_as_its_threads_and_keeps_none_alive():
    hooks = runpy.run_path(str(CONF))
    for threads in (4, 8):
        server = _Server(threads)
        assert server.cfg.worker_connections == 1000  # gunicorn's default, before the hook

        hooks["on_starting"](server)

        assert server.cfg.worker_connections == threads
        assert server.cfg.keepalive == 0
