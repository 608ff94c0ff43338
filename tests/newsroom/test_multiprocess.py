"""More than one machine, on one: two web servers (gunicorn) and two task workers sharing one
PostgreSQL database (pooled connections, DB_POOL=1) and one Redis (REDIS_URL).

What one process learns the others know at once: a knowledge-base change, a user's throttle
count, a task taken, a segment's version. PostgreSQL and Redis only; in CI on PostgreSQL,
Redis must answer (.ci/run starts it).
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult
from rest_framework.authtoken.models import Token

from articles.models import ArticleStatus
from tests.conftest import ROOT, process_env
from tests.factories import ArticleFactory, SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# A database number of its own, and a key prefix per run: parallel runs never meet.
REDIS_DB = 11
THROTTLE = 10  # requests a minute per user, on both servers together

GUNICORN = [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--worker-class", "gthread"]
GUNICORN += ["--workers", "1", "--threads", "2"]
WORKER = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
WORKER += ["--interval", "0.1"]

ENQUEUE = r"""
import sys
import django

django.setup()
from tests.newsroom.multiprocess_tasks import record_run

for number in range(int(sys.argv[1])):
    record_run.enqueue(number, sys.argv[2])
"""


def _redis():
    import redis

    return redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_connect_timeout=2)


@pytest.fixture(scope="module")
def cache_prefix():
    """A key prefix of this run's own in Redis; its keys, and only they, are removed after."""
    if connection.vendor != "postgresql":
        pytest.skip("several machines share PostgreSQL: run with a postgres:// DATABASE_URL")
    try:
        _redis().ping()
    except Exception as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis must answer at {REDIS_HOST}:{REDIS_PORT} in CI: {error}")
        pytest.skip(f"no Redis at {REDIS_HOST}:{REDIS_PORT}: {error}")
    prefix = f"newsroom-test-{uuid.uuid4().hex}"
    yield prefix
    client = _redis()
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    """The test database pytest-django made, for the processes to share with this one."""
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture(scope="module")
def cluster(django_db_setup, cache_prefix, tmp_path_factory):
    """Two web servers and two workers, for the module; yields (env, port A, port B)."""
    env = process_env(tmp_path_factory.mktemp("cluster") / "unused.sqlite3")
    env.update(
        DATABASE_URL=_database_url(),
        DB_POOL="1",
        REDIS_URL=f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}",
        CACHE_KEY_PREFIX=cache_prefix,
        API_THROTTLE_USER_RATE=f"{THROTTLE}/minute",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
    )
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(
            [*GUNICORN, "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    processes += [
        subprocess.Popen(
            [*WORKER, "--worker-id", f"worker-{number}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for number in (1, 2)
    ]
    try:
        for port, server in zip(ports, processes, strict=False):
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert server.poll() is None, server.stderr.read().decode()
                    assert time.monotonic() < deadline, f"no server on port {port}"
                    time.sleep(0.2)
        yield env, *ports
        for process in processes:
            assert process.poll() is None, process.stderr.read().decode()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _call(port: int, method: str, path: str, token: str, body=None, headers=None):
    """One API request; returns (status, parsed body or None, headers)."""
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    sent = {"Authorization": f"Token {token}", **(headers or {})}
    payload = None
    if body is not None:
        payload = json.dumps(body)
        sent["Content-Type"] = "application/json"
    client.request(method, path, body=payload, headers=sent)
    response = client.getresponse()
    raw = response.read()
    client.close()
    data = json.loads(raw) if raw and "json" in response.getheader("Content-Type", "") else None
    return response.status, data, dict(response.getheaders())


@pytest.fixture(autouse=True)
def _queue_drained(transactional_db):
    """Each test ends once the workers are idle: emptying the tables under a running task
    would stop its worker."""
    yield
    deadline = time.monotonic() + 120
    while DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists():
        assert time.monotonic() < deadline, "the workers left tasks unfinished"
        time.sleep(0.2)


@pytest.fixture
def staff_token() -> str:
    return Token.objects.create(user=UserFactory(is_staff=True, is_superuser=True)).key


def test_a_knowledge_base_change_through_one_server_is_suggested_by_the_other(
    cluster, staff_token, cache_prefix
):
    _, a, b = cluster
    # Approved: the refresh that follows an entity change (a worker's task) leaves it alone,
    # so what finds the new name is server B's own gazetteer.
    article = ArticleFactory(status=ArticleStatus.APPROVED)
    SegmentFactory(article=article, source_text="خبرگزاری کاروانک امروز گزارش داد.")
    suggest = f"/api/v1/articles/{article.pk}/suggest/"

    status, found, _ = _call(b, "POST", suggest, staff_token)
    assert (status, found) == (200, {"suggested": 0})  # B has built its gazetteer

    status, entity, _ = _call(
        a,
        "POST",
        "/api/v1/entities/",
        staff_token,
        {"name_en": "Karvanak News Agency", "name_fa": "کاروانک", "type": "ORG"},
    )
    assert status == 201, entity

    status, found, _ = _call(b, "POST", suggest, staff_token)
    assert (status, found) == (200, {"suggested": 1})
    assert article.segments.get().mentions.get().entity_id == entity["id"]
    # The version B followed is the one in Redis, not a summary of the table.
    assert list(_redis().scan_iter(match=f"{cache_prefix}:*annotations:kb-version"))


def test_a_users_throttle_counts_requests_to_both_servers(cluster, staff_token):
    _, a, b = cluster
    statuses = [
        _call((a, b)[number % 2], "GET", "/api/v1/entities/", staff_token)[0]
        for number in range(THROTTLE + 1)
    ]
    # Each server saw at most THROTTLE / 2 + 1 of them: alone, neither would have refused.
    assert statuses == [200] * THROTTLE + [429]
    status, _, headers = _call(a, "GET", "/api/v1/entities/", staff_token)
    assert status == 429 and int(headers["Retry-After"]) > 0


def test_two_workers_never_run_the_same_task(cluster, tmp_path):
    env, _, _ = cluster
    runs = tmp_path / "runs.txt"
    runs.touch()
    tasks = 40
    subprocess.run(
        [sys.executable, "-c", ENQUEUE, str(tasks), str(runs)], cwd=ROOT, env=env, check=True
    )
    deadline = time.monotonic() + 120
    while len(runs.read_text().splitlines()) < tasks:
        assert time.monotonic() < deadline, runs.read_text()
        time.sleep(0.2)
    time.sleep(1)  # a task run twice would show up meanwhile
    lines = [line.split() for line in runs.read_text().splitlines()]
    assert Counter(int(number) for number, _ in lines) == Counter(range(tasks))

    results = DBTaskResult.objects.filter(task_path__endswith="record_run")
    assert results.count() == tasks
    assert all(len(result.worker_ids) == 1 for result in results)
    assert {result.status for result in results} == {"SUCCESSFUL"}


def test_a_save_through_one_server_and_a_stale_save_through_the_other(cluster, staff_token):
    _, a, b = cluster
    segment = SegmentFactory(target_text="A first draft.")
    path = f"/api/v1/segments/{segment.pk}/"
    status, _, headers = _call(a, "GET", path, staff_token)
    assert status == 200
    etag = headers["ETag"]

    saved = _call(
        a, "PATCH", path, staff_token, {"target_text": "Edited on A."}, {"If-Match": etag}
    )
    stale = _call(
        b, "PATCH", path, staff_token, {"target_text": "Edited on B."}, {"If-Match": etag}
    )

    assert (saved[0], stale[0]) == (200, 412)
    assert stale[1]["current"]["target_text"] == "Edited on A."
    segment.refresh_from_db()
    assert segment.target_text == "Edited on A."
