import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def seed_path() -> Path:
    return ROOT / "articles" / "demo" / "seed_article.txt"


@pytest.fixture
def fixtures_dir() -> Path:
    return ROOT / "tests" / "fixtures"


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def api(staff_user) -> APIClient:
    client = APIClient()
    client.force_authenticate(staff_user)
    return client


@pytest.fixture(scope="session")
def tiny_model_file(tmp_path_factory) -> Path:
    """A random-weight fa→en package, built once per test session (a few seconds)."""
    from articles.mt.testmodel import build_test_package

    return build_test_package(tmp_path_factory.mktemp("argos") / "test.argosmodel", size="tiny")


@pytest.fixture(scope="session")
def tiny_model_dir(tiny_model_file, tmp_path_factory) -> Path:
    """A packages directory holding the tiny test model, installed once per session."""
    from django.test import override_settings

    from articles.mt.packages import install_file

    packages = tmp_path_factory.mktemp("argos-packages")
    with override_settings(ARGOS_PACKAGES_DIR=packages):
        install_file(tiny_model_file)
    return packages


@pytest.fixture
def mt_model(tiny_model_dir, settings):
    """Make the tiny test model the installed fa→en model for one test."""
    from articles.mt.packages import find_package

    settings.ARGOS_PACKAGES_DIR = tiny_model_dir
    return find_package()


@pytest.fixture(autouse=True)
def _no_installed_models(tmp_path, settings):
    """Tests see an empty packages directory unless they ask for the test model."""
    settings.ARGOS_PACKAGES_DIR = tmp_path / "no-argos-packages"


def process_env(database: Path, **extra: str) -> dict[str, str]:
    """Environment for a real `manage.py` process on a SQLite file: production settings (tasks
    in the database, not run at once as under pytest), everything else under the file's folder."""
    folder = database.parent
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        SECRET_KEY="test-only-key",
        DEBUG="0",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        NEWSROOM_VAR_DIR=str(folder / "var"),
        MEDIA_ROOT=str(folder / "media"),
        ARGOS_PACKAGES_DIR=str(folder / "argos-packages"),
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A migrated SQLite file, made once a session, for tests that run real processes on it."""
    database = tmp_path_factory.mktemp("sqlite-template") / "db.sqlite3"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT,
        env=process_env(database),
        check=True,
        timeout=300,
    )
    return database


@pytest.fixture
def sqlite_file(migrated_sqlite, tmp_path) -> Path:
    """A fresh copy of the migrated SQLite file (WAL mode, as the embedded default runs)."""
    database = tmp_path / "db.sqlite3"
    shutil.copy(migrated_sqlite, database)
    wal = migrated_sqlite.with_name(migrated_sqlite.name + "-wal")
    if wal.exists():
        shutil.copy(wal, database.with_name(database.name + "-wal"))
    return database
