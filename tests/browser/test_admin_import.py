"""A staff user imports the seed article through the admin page in a real browser."""

import pytest

from articles.models import Article
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-word-123")
    page.click("button[type=submit]")


def test_admin_import_then_read_the_article(page, live_server, seed_path, screenshot_dir):
    UserFactory(username="chief", is_staff=True, is_superuser=True)
    log_in(page, live_server, "chief")

    page.goto(f"{live_server.url}/admin/articles/article/")
    page.click("text=Import articles")
    page.set_input_files("#id_file", str(seed_path))
    page.click("input[name=_save]")

    counts = page.locator(".import-counts")
    counts.wait_for()
    assert " ".join(counts.inner_text().split()) == "created 1, updated 0, skipped 0, failed 0"
    assert page.locator(".import-progress").get_attribute("data-status") == "done"
    page.screenshot(path=str(screenshot_dir / "admin-import-batch.png"), full_page=True)

    article = Article.objects.get()
    page.goto(f"{live_server.url}/articles/")
    page.click(f"text={article.title}")
    rows = page.locator("[data-segment-id]")
    assert rows.count() == 17
    source = rows.nth(0).locator(".seg-source")
    assert source.get_attribute("dir") == "rtl" and source.get_attribute("lang") == "fa"
    assert rows.nth(0).locator(".seg-target").get_attribute("dir") == "ltr"
    # Right-to-left text starts at the right edge of its cell.
    box = source.bounding_box()
    text_box = source.evaluate(
        "cell => { const r = document.createRange(); r.selectNodeContents(cell);"
        " const b = r.getBoundingClientRect(); return {left: b.left, right: b.right}; }"
    )
    assert box["x"] + box["width"] - text_box["right"] < 20
    page.screenshot(path=str(screenshot_dir / "article-page.png"), full_page=True)


def test_a_bad_upload_lists_each_failed_record(page, live_server, tmp_path):
    UserFactory(username="chief", is_staff=True, is_superuser=True)
    bad = tmp_path / "mixed.jsonl"
    bad.write_text(
        '{"title": "خبر", "body": "متن درست.", "url": "https://e.ir/ok"}\n{oops\n[1]\n',
        encoding="utf-8",
    )
    log_in(page, live_server, "chief")
    page.goto(f"{live_server.url}/admin/articles/importbatch/add/")
    page.set_input_files("#id_file", str(bad))
    page.click("input[name=_save]")

    page.locator(".import-errors").wait_for()
    rows = page.locator(".import-errors tbody tr")
    assert rows.count() == 2
    assert "mixed.jsonl line 2" in rows.nth(0).inner_text()
    assert "expected a JSON object" in rows.nth(1).inner_text()
    assert " ".join(page.locator(".import-counts").inner_text().split()).endswith("failed 2")
