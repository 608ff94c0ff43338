"""`manage.py mt` as a user runs it: build, install, status, translate."""

import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, ArticleStatus, SegmentStatus

ROOT = Path(__file__).resolve().parents[2]


def _run(*args) -> str:
    out = io.StringIO()
    call_command("mt", *args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.mark.django_db
def test_build_install_and_status(tmp_path, settings):
    settings.ARGOS_PACKAGES_DIR = tmp_path / "packages"
    package = tmp_path / "t.argosmodel"

    built = _run("build-test-model", str(package))
    installed = _run("install", "--file", str(package))
    status = _run("status")

    assert "tiny test model" in built and package.stat().st_size < 1_000_000
    with zipfile.ZipFile(package) as archive:
        assert {name.split("/")[0] for name in archive.namelist()} == {"translate-fa_en-test-tiny"}
    assert "installed translate-fa_en-test-tiny@1.0" in installed
    assert "fa→en: translate-fa_en-test-tiny@1.0 (test model)" in status
    assert "TEST MODEL" in status


@pytest.mark.django_db
def test_status_without_a_model_says_how_to_install_one():
    assert "no model installed (manage.py mt install --file" in _run("status")


def test_install_offline_without_a_file_fails_fast_with_one_line(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "1",
        "NEWSROOM_VAR_DIR": str(tmp_path),
        "HOME": str(tmp_path),
        # A closed local port stands in for a machine without the internet.
        "ARGOS_PACKAGE_INDEX": "http://127.0.0.1:9/",
    }
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "manage.py", "mt", "install"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 1
    # No network wait: well under any connection time-out, even on a busy machine.
    assert time.monotonic() - started < 30
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "mt install --file" in lines[0]


def test_install_of_a_missing_file_fails(tmp_path):
    with pytest.raises(SystemExit) as exit_:
        _run("install", "--file", str(tmp_path / "nope.argosmodel"))
    assert exit_.value.code == 1


@pytest.mark.django_db
def test_translate_sync_translates_the_pending_articles(mt_model, seed_path):
    call_command("import_articles", str(seed_path), stdout=None)

    out = _run("translate", "--pending", "--sync")

    article = Article.objects.get()
    assert article.status == ArticleStatus.TRANSLATED
    assert article.segments.filter(status=SegmentStatus.MACHINE).count() == 17
    assert "17 segments by machine" in out
    assert "nothing to translate" in _run("translate", "--pending", "--sync")


@pytest.mark.django_db
def test_translate_queues_and_says_when_no_worker_runs(
    mt_model, seed_path, django_capture_on_commit_callbacks
):
    call_command("import_articles", str(seed_path), stdout=None)
    article = Article.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        out = _run("translate", "--article", str(article.pk))

    assert "queued 1 article(s)" in out and "start manage.py db_worker" in out
    article.refresh_from_db()
    assert article.status == ArticleStatus.TRANSLATED  # the test task backend runs at once


@pytest.mark.django_db
def test_translate_an_unknown_article_is_an_error(mt_model):
    with pytest.raises(CommandError, match="no article with id 999"):
        _run("translate", "--article", "999")
