"""The editor sees a row's failing checks beside it, fixes the row and sees the check clear; a
reviewer dismisses one; the MT confidence marker."""

import json

import pytest
from django.core.management import call_command

from articles.models import Article, Segment
from tests.browser.test_admin_import import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def article(tmp_path):
    record = {
        "title": "افزایش قیمت نفت",
        "body": "قیمت نفت در هفته گذشته ۲۲ درصد افزایش یافت. بازار آرام ماند.",
        "url": "https://example.ir/oil",
        "translation": {
            "title": "Oil prices rise",
            "body": "Oil prices rose 12 percent last week. The market stayed calm.",
        },
    }
    path = tmp_path / "oil.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    call_command("import_articles", str(path), stdout=None)
    return Article.objects.get()


def _open(page, live_server, article, role):
    UserFactory(username=role, groups=[role])
    log_in(page, live_server, role)
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    page.locator(".seg").first.wait_for()


def test_an_editor_sees_the_numbers_check_fixes_the_row_and_it_clears(
    page, live_server, article, screenshot_dir
):
    _open(page, live_server, article, "editor")
    row = page.locator(".seg").nth(1)
    check = row.locator('.check[data-check="numbers"]')
    assert "۲۲" in check.inner_text() and "missing" in check.inner_text()
    assert page.locator(".check").count() == 1  # the other rows pass
    page.screenshot(path=str(screenshot_dir / "checks-failing.png"))

    row.locator(".target-text").click()
    area = row.locator("textarea")
    area.wait_for()
    area.fill("Oil prices rose 22 percent last week.")
    area.press("Control+Enter")

    page.locator(".seg").nth(1).locator(".check").wait_for(state="detached")
    assert "22 percent" in page.locator(".seg").nth(1).locator(".target-text").inner_text()
    assert Segment.objects.get(position=1).failing_checks == 0
    page.screenshot(path=str(screenshot_dir / "checks-cleared.png"))


def test_a_reviewer_dismisses_a_check_and_the_row_shows_it_no_more(page, live_server, article):
    _open(page, live_server, article, "reviewer")
    row = page.locator(".seg").nth(1)
    row.locator(".dismiss-check").click()

    page.locator(".seg").nth(1).locator(".check").wait_for(state="detached")
    assert "dismissed" in page.locator(".action-status").inner_text()
    segment = Segment.objects.get(position=1)
    assert segment.checks == []
    assert segment.dismissals.get().dismissed_by.username == "reviewer"


def test_editors_get_no_dismiss_button(page, live_server, article):
    _open(page, live_server, article, "editor")
    assert page.locator(".check").count() == 1
    assert page.locator(".dismiss-check").count() == 0


def test_a_row_still_as_mt_shows_how_sure_the_model_was(page, live_server, article):
    Segment.objects.filter(position=2).update(
        mt_text="The market stayed calm.",
        mt_model="translate-fa_en-test-tiny@1.0",
        mt_confidence=0.31,
        mt_low_confidence=[[4, 10]],
    )
    _open(page, live_server, article, "editor")
    marker = page.locator(".seg").nth(2).locator(".confidence")
    assert marker.inner_text() == "MT 31%"
    assert "conf-low" in marker.get_attribute("class")
    assert "test model" in marker.get_attribute("title")

    page.locator(".seg").nth(2).locator("details.mt summary").click()
    unsure = page.locator(".seg").nth(2).locator("mark.unsure").first
    unsure.wait_for()
    assert unsure.inner_text() == "market"
    assert (
        "these scores mean nothing" in page.locator(".seg").nth(2).locator(".mt-body").inner_text()
    )
