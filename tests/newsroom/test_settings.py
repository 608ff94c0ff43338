"""Settings as a new user meets them: README's commands after set-up; production needs a secret."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _clean_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a new shell: no DEBUG, no SECRET_KEY, no pytest and its settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
        and not key.startswith("PYTEST")
    }
    env["NEWSROOM_VAR_DIR"] = str(var_dir)
    env.update(extra)
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_without_a_secret_production_refuses_to_start(tmp_path):
    result = _manage("check", env=_clean_env(tmp_path / "var"))
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_after_set_up_readme_commands_run_as_printed(tmp_path):
    var_dir = tmp_path / "var"
    env = _clean_env(var_dir)
    subprocess.run(
        [str(ROOT / "scripts" / "local-env")],
        env={**env, "PYTHON": sys.executable},
        check=True,
        capture_output=True,
    )
    local_env = (var_dir / "local.env").read_text()
    assert "DEBUG=1" in local_env and "SECRET_KEY=" in local_env
    assert oct((var_dir / "local.env").stat().st_mode & 0o777) == "0o600"

    assert _manage("migrate", "--noinput", "-v0", env=env).returncode == 0
    result = _manage("mt", "status", env=env)
    assert result.returncode == 0, result.stderr
    assert "fa→en" in result.stdout

    # Written once: a second set-up keeps the secret (sessions and tokens stay valid).
    subprocess.run([str(ROOT / "scripts" / "local-env")], env=env, check=True)
    assert (var_dir / "local.env").read_text() == local_env


def test_the_environment_wins_over_the_local_file(tmp_path):
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    (var_dir / "local.env").write_text("DEBUG=1\nSECRET_KEY=from-file\n")
    code = "from django.conf import settings; print(settings.SECRET_KEY, settings.DEBUG)"
    env = _clean_env(var_dir, SECRET_KEY="from-environment", DEBUG="0")
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["from-environment", "False"], result.stderr


def test_importing_settings_creates_no_directories(tmp_path):
    var_dir = tmp_path / "nowhere"
    result = subprocess.run(
        [sys.executable, "-c", "import newsroom.settings"],
        cwd=ROOT,
        env=_clean_env(var_dir, DEBUG="1"),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert not var_dir.exists()


def _settings(var_dir: Path, **extra: str) -> subprocess.CompletedProcess:
    """The cache and database settings a process gets from this environment, as JSON."""
    code = (
        "import json; from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(json.dumps([s.CACHES['default']['BACKEND'], s.SHARED_CACHE, d['CONN_MAX_AGE'], "
        "d.get('OPTIONS', {}).get('pool')]))"
    )
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            **_clean_env(var_dir, DEBUG="1", **extra),
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        },
        capture_output=True,
        text=True,
    )


def test_one_machine_needs_no_redis_and_no_pool(tmp_path):
    result = _settings(tmp_path / "var")
    assert json.loads(result.stdout) == [
        "django.core.cache.backends.locmem.LocMemCache",
        False,
        60,
        None,
    ], result.stderr


def test_redis_url_makes_the_cache_shared(tmp_path):
    result = _settings(tmp_path / "var", REDIS_URL="redis://127.0.0.1:6379/3")
    backend, shared, *_ = json.loads(result.stdout)
    assert (backend, shared) == ("django.core.cache.backends.redis.RedisCache", True)


def test_db_pool_pools_postgresql_connections_instead_of_keeping_them(tmp_path):
    result = _settings(
        tmp_path / "var",
        DATABASE_URL="postgres://newsroom@db:5432/newsroom",
        DB_POOL="1",
        DB_POOL_MAX_SIZE="6",
    )
    *_, conn_max_age, pool = json.loads(result.stdout)
    assert conn_max_age == 0  # Django refuses a pool with persistent connections
    assert pool == {"min_size": 1, "max_size": 6, "timeout": 10}


def test_db_pool_on_sqlite_says_what_is_wrong(tmp_path):
    result = _settings(tmp_path / "var", DB_POOL="1")
    assert result.returncode != 0
    assert "DB_POOL=1 pools PostgreSQL connections" in result.stderr


def test_manage_py_honours_settings_named_on_the_command_line(tmp_path):
    """`manage.py` sets the apps up early (below); `--settings` and `--pythonpath` still apply."""
    (tmp_path / "alt_settings.py").write_text("from newsroom.settings import *  # noqa\n")
    env = _clean_env(tmp_path / "var", DEBUG="1")
    shown = "from django.conf import settings; print(settings.SETTINGS_MODULE)"

    result = _manage(
        "shell", f"--pythonpath={tmp_path}", "--settings=alt_settings", "-c", shown, env=env
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "alt_settings"


def test_manage_py_leaves_what_the_set_up_loaded_out_of_garbage_collections(tmp_path):
    """Django's set-up makes over 100,000 objects that live as long as the process: frozen, no
    collection walks them again (a one-record import 1.34 -> 1.08 s median on this machine)."""
    env = _clean_env(tmp_path / "var", DEBUG="1")
    shown = "import gc; print(gc.get_freeze_count())"

    result = _manage("shell", "-c", shown, env=env)

    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip().splitlines()[-1]) > 50_000
