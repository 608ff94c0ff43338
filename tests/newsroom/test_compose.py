"""docker-compose.yml's web service, run here with the environment compose would give it.

No Docker engine runs on the test machines, so the app is started under gunicorn with that
environment (the database swapped for a SQLite file, no Redis) and probed the way a browser and
compose's health check would.
"""

from __future__ import annotations

import os
import posixpath
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
_VARIABLE = re.compile(r"\$\{(\w+)(?::?([-?])([^}]*))?\}")


def _interpolate(value: str, given: dict[str, str]) -> str:
    """Compose's `${NAME:-default}` and `${NAME:?message}` substitution."""

    def replace(match: re.Match[str]) -> str:
        name, operator, default = match.groups()
        if name in given:
            return given[name]
        if operator == "?":
            raise AssertionError(f"compose requires {name}: {default}")
        return default or ""

    return _VARIABLE.sub(replace, str(value))


def _compose_services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def _compose_web() -> dict:
    return _compose_services()["web"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def compose_web(tmp_path_factory):
    """gunicorn serving the app with compose's web environment; yields its port."""
    work = tmp_path_factory.mktemp("compose")
    given = {"SECRET_KEY": "compose-test-secret-" + "x" * 40}
    compose_env = _compose_web()["environment"]
    env = {name: _interpolate(value, given) for name, value in compose_env.items()}
    # One process here, on SQLite: no Redis by compose's name (tests/newsroom/test_multiprocess.py
    # runs several processes on a real one).
    env.pop("REDIS_URL")
    env.update(
        DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
        ARGOS_PACKAGES_DIR=str(work / "argos"),
        NEWSROOM_VAR_DIR=str(work),
        STATIC_ROOT=str(work / "static"),
        PATH=os.environ["PATH"],
    )
    python = sys.executable
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)
    port = _free_port()
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "newsroom.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def _get(port: int, path: str) -> tuple[int, dict[str, str]]:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    return response.status, dict(response.getheaders())


def test_compose_serves_the_login_page_over_plain_http(compose_web):
    status, headers = _get(compose_web, "/accounts/login/")
    assert status == 200
    assert "Strict-Transport-Security" not in headers


def test_compose_sends_signed_out_readers_to_login_not_to_https(compose_web):
    status, headers = _get(compose_web, "/articles/")
    assert status == 302
    assert headers["Location"].startswith("/accounts/login/")


def test_compose_health_check_fetches_a_real_page(compose_web):
    check = _compose_web()["healthcheck"]["test"]
    assert check[0] == "CMD"
    command = [sys.executable if part == "python" else part for part in check[1:]]
    command = [part.replace("8000", str(compose_web)) for part in command]
    assert "/healthz" not in " ".join(command)
    assert subprocess.run(command, timeout=20).returncode == 0


def test_compose_serves_the_persian_web_font_itself(compose_web):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", compose_web, timeout=10)
    connection.request("GET", "/static/css/newsroom.css")
    css = connection.getresponse().read().decode()
    fonts = re.findall(r'url\("([^"]*vazirmatn/[^"]*\.woff2)"\)', css)
    assert fonts, "newsroom.css names no Vazirmatn file"
    status, headers = _get(compose_web, posixpath.normpath("/static/css/" + fonts[0]))
    assert status == 200 and headers["Content-Type"] == "font/woff2"


def test_compose_gives_web_and_workers_one_redis():
    services = _compose_services()
    assert services["redis"]["image"].startswith("redis:7")
    for name in ("web", "worker"):
        service = services[name]
        assert _interpolate(service["environment"]["REDIS_URL"], {}) == "redis://redis:6379/0"
        assert service["depends_on"]["redis"] == {"condition": "service_healthy"}
        # Pooling is there to switch on; off unless asked for.
        assert _interpolate(service["environment"]["DB_POOL"], {}) == "0"
