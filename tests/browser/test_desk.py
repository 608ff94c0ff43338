"""Every step of the job from the pages: translate, suggest, export, import; the header keeps up."""

import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from annotations.models import Mention, MentionOrigin
from articles.models import Article, ArticleStatus, ImportBatch
from articles.mt.translate import apply_translation
from tests.browser.test_admin_import import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def imported(seed_path):
    call_command("import_articles", str(seed_path), stdout=None)
    return Article.objects.get()


@pytest.fixture
def second(tmp_path):
    path = tmp_path / "second.txt"
    path.write_text(
        "خبر دوم درباره تهران\n\nروسیه و ایران در تهران دیدار کردند.\n", encoding="utf-8"
    )
    call_command("import_articles", str(path), stdout=None)
    return Article.objects.get(title__contains="خبر دوم")


def open_page(page, live_server, path, username="editor", groups=("editor",)):
    UserFactory(username=username, groups=list(groups))
    log_in(page, live_server, username)
    page.goto(f"{live_server.url}{path}")
    page.evaluate("window.__notReloaded = true")


def not_reloaded(page):
    return page.evaluate("window.__notReloaded === true")


def test_translate_from_the_review_page_fills_the_rows_and_the_header(
    page, live_server, imported, mt_model
):
    open_page(page, live_server, f"/articles/{imported.pk}/")
    assert page.locator(".summary .badge").inner_text() == "new"
    assert page.locator(".target-text.is-empty").count() == 17
    button = page.get_by_role("button", name="Translate (test model)")
    button.click()

    page.get_by_text("Machine translation finished").first.wait_for()
    page.wait_for_function("() => !document.querySelector('.target-text.is-empty')")
    assert page.locator(".summary .badge").inner_text() == "translated"
    assert not_reloaded(page)
    imported.refresh_from_db()
    assert imported.status == ArticleStatus.TRANSLATED
    # The output of the random-weight model is flagged on every row, never passed off.
    assert page.locator(".seg .test-flag").count() == 17


def test_translate_says_why_it_cannot_run_without_a_model(page, live_server, imported):
    open_page(page, live_server, f"/articles/{imported.pk}/")
    button = page.locator("button.translate")
    assert button.is_disabled()
    assert "No translation model is installed" in page.locator("#translate-why").inner_text()


def test_viewers_get_no_translate_or_suggest_buttons(page, live_server, imported, mt_model):
    open_page(page, live_server, f"/articles/{imported.pk}/", "reader", ("viewer",))
    assert page.locator("button.translate, button.suggest, .approve-all").count() == 0
    assert page.locator(".export-menu").count() == 1  # reading and exporting stay open


def test_suggest_again_marks_the_names_without_a_reload(page, live_server, imported, mt_model):
    apply_translation(article_id=imported.pk)
    Mention.objects.filter(origin=MentionOrigin.SUGGESTED).delete()
    open_page(page, live_server, f"/articles/{imported.pk}/")
    assert page.locator("mark.o-suggested").count() == 0

    page.get_by_role("button", name="Suggest entities").click()
    page.get_by_text("suggestions on this article").wait_for()
    assert page.locator("mark.o-suggested").count() > 0
    assert not_reloaded(page)


def test_the_header_follows_saves_and_approvals(page, live_server, imported, mt_model):
    apply_translation(article_id=imported.pk)
    open_page(page, live_server, f"/articles/{imported.pk}/", "chief", ("reviewer",))
    counts = page.locator(".summary .counts")
    assert "0 edited · 0 approved" in counts.inner_text()

    page.locator(".seg").nth(1).locator(".target-text").click()
    page.locator(".seg").nth(1).locator("textarea").fill("Hassan Rouhani, President of Iran")
    page.keyboard.press("Control+Enter")
    page.wait_for_function(
        "() => document.querySelector('.summary .counts').textContent.includes('1 edited')"
    )
    # Statuses read as words.
    assert page.locator(".summary .badge").inner_text() == "in review"

    page.keyboard.press("Escape")
    page.locator(".seg").nth(1).get_by_role("button", name="Approve").click()
    page.wait_for_function(
        "() => document.querySelector('.summary .counts').textContent.includes('1 approved')"
    )
    page.get_by_role("button", name="Approve all visible rows").click()
    page.get_by_text("Approved 16 rows").wait_for()
    page.wait_for_function(
        "() => document.querySelector('.summary .badge').textContent === 'approved'"
    )
    assert page.locator(".seg .badge.status-approved").count() == 17
    assert not_reloaded(page)


def test_export_from_the_review_page(page, live_server, imported, mt_model):
    apply_translation(article_id=imported.pk)
    open_page(page, live_server, f"/articles/{imported.pk}/")
    menu = page.locator(".export-menu")
    menu.locator("summary").click()
    # The CoNLL side and the suggestions choice apply only to their formats.
    assert menu.locator('input[name="side"]').first.is_disabled()
    menu.get_by_label("TMX 1.4").check()
    with page.expect_download() as download:
        menu.get_by_role("button", name="Download").click()
    assert download.value.suggested_filename == f"article-{imported.pk}.tmx"
    assert "<tmx" in download.value.path().read_text(encoding="utf-8")

    menu.get_by_label("CoNLL: tokens").check()
    menu.get_by_label("English").check()
    menu.get_by_label("Leave unreviewed suggestions out").check()
    with page.expect_download() as download:
        menu.get_by_role("button", name="Download").click()
    assert download.value.suggested_filename == f"article-{imported.pk}-target.conll"
    text = download.value.path().read_text(encoding="utf-8")
    assert text.startswith("-DOCSTART-")
    # Every mention is an unreviewed suggestion: none may label a token.
    assert Mention.objects.filter(origin=MentionOrigin.SUGGESTED).exists()
    assert all(line.endswith("\tO") for line in text.splitlines() if "\t" in line)


def test_export_and_translate_from_the_list(page, live_server, imported, second, mt_model):
    open_page(page, live_server, "/articles/")
    assert page.get_by_role("link", name="Import articles").count() == 0  # editors do not import
    page.get_by_label(f"Select article {second.pk}").check()
    page.get_by_role("button", name="Translate 1 selected").click()

    line = page.locator(".bulk-progress")
    page.wait_for_function(
        "() => document.querySelector('.bulk-progress').textContent.includes('translated 1 of 1')"
    )
    assert "Machine translation" in line.inner_text()
    second.refresh_from_db()
    imported.refresh_from_db()
    assert second.status == ArticleStatus.TRANSLATED and imported.status == ArticleStatus.NEW

    page.get_by_role("button", name="Translate all 2 matching").click()
    page.wait_for_function(
        "() => document.querySelector('.bulk-progress').textContent"
        ".includes('already translated, left as they are')"
    )
    imported.refresh_from_db()
    assert imported.status == ArticleStatus.TRANSLATED
    page.locator(f'tr[data-article-id="{imported.pk}"] .badge', has_text="translated").wait_for()
    assert not_reloaded(page)

    # Export what the current filter shows.
    page.goto(f"{live_server.url}/articles/?status=translated")
    menu = page.locator(".export-menu")
    menu.locator("summary").click()
    menu.get_by_label("JSONL: doccano").check()
    with page.expect_download() as download:
        menu.get_by_role("button", name="Download").click()
    today = timezone.localdate().isoformat()
    assert download.value.suggested_filename == f"newsroom-translated-{today}.jsonl"
    lines = download.value.path().read_text(encoding="utf-8").splitlines()
    articles = {json.loads(line)["article"] for line in lines}
    assert articles == {imported.pk, second.pk}


def test_the_list_links_to_import_and_a_batch_to_its_articles(page, live_server, seed_path):
    UserFactory(username="chief", is_staff=True, is_superuser=True)
    log_in(page, live_server, "chief")
    page.goto(f"{live_server.url}/articles/")
    page.get_by_role("link", name="Import articles").first.click()
    page.set_input_files("#id_file", str(seed_path))
    page.click("input[name=_save]")
    page.locator(".import-articles").wait_for()
    assert "updated" in page.locator(".import-help").inner_text()
    assert "repeated" in page.locator(".import-help").inner_text()

    page.locator(".import-articles a").click()
    batch = ImportBatch.objects.get()
    assert page.url.endswith(f"/articles/?batch={batch.pk}")
    assert page.locator("table.articles tbody tr").count() == 1
    assert f"import #{batch.pk}" in page.inner_text("main")


def test_the_admin_has_the_favicon(page, live_server):
    UserFactory(username="chief", is_staff=True, is_superuser=True)
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    log_in(page, live_server, "chief")
    page.goto(f"{live_server.url}/admin/")
    icon = page.locator('link[rel="icon"]').get_attribute("href")
    assert icon.endswith("favicon.svg")
    assert page.request.get(f"{live_server.url}{icon}").ok
    assert page.request.get(f"{live_server.url}/favicon.ico").ok
    assert missing == []
