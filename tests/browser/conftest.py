"""Playwright driving Debian's Chromium against the live test server."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Playwright's sync API keeps an event loop in the test thread; the ORM calls made by the test
# itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; the browser tests need it in CI")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab; a script error on any page it showed fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"script errors on the page: {errors}"


@pytest.fixture
def screenshot_dir() -> Path:
    path = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(autouse=True)
def _migrated_data(request):
    """Transactional tests empty every table between tests, data migrations included: put the
    role groups and the starter knowledge base back before each browser test."""
    if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames:
        return
    import importlib

    from django.apps import apps

    from annotations.kb import STARTER, read_jsonl, upsert_entities
    from annotations.models import Entity

    request.getfixturevalue("transactional_db")
    importlib.import_module("articles.migrations.0002_groups").create_groups(apps, None)
    if not Entity.objects.exists():
        upsert_entities(Entity, read_jsonl(STARTER))


@pytest.fixture(autouse=True)
def _follow_ups_at_the_commit_on_sqlite():
    """On the in-memory SQLite test database every connection shares one cache, whose table locks
    fail a reader at once instead of waiting: a test reading segments right after the page showed
    a save raced the save's follow-up (articles/deferred.py) writing them, "database table is
    locked". There the follow-up runs at the save's commit, before its answer; on PostgreSQL it
    runs after the answer, as in production."""
    from django.core.signals import request_started
    from django.db import connection

    from articles import deferred

    if connection.vendor != "sqlite":
        yield
        return
    assert request_started.disconnect(dispatch_uid="articles.deferred.begin")
    try:
        yield
    finally:
        request_started.connect(deferred._begin, dispatch_uid="articles.deferred.begin")
