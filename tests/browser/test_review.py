"""Editors on the review page in a real browser: direction, keyboard editing, conflicts, roles."""

import pytest
from django.core.management import call_command

from articles.models import Article, RevisionOrigin, Segment
from articles.mt.translate import apply_translation
from tests.browser.test_admin_import import log_in
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def article(mt_model, seed_path):
    call_command("import_articles", str(seed_path), stdout=None)
    article = Article.objects.get()
    apply_translation(article_id=article.pk)
    return article


def open_review(page, live_server, article, username):
    log_in(page, live_server, username)
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    page.locator(".seg").first.wait_for()


def row(page, position):
    return page.locator(".seg").nth(position)


def test_panes_run_in_their_own_direction(page, live_server, article, screenshot_dir):
    UserFactory(username="editor", groups=["editor"])
    open_review(page, live_server, article, "editor")

    first = row(page, 0)
    source, target = first.locator(".seg-source"), first.locator(".seg-target")
    assert (source.get_attribute("lang"), source.get_attribute("dir")) == ("fa", "rtl")
    assert (target.get_attribute("lang"), target.get_attribute("dir")) == ("en", "ltr")
    assert source.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert target.evaluate("el => getComputedStyle(el).direction") == "ltr"
    assert source.evaluate("el => getComputedStyle(el).unicodeBidi") == "isolate"
    # The Persian text hugs the right edge of its pane.
    box = source.bounding_box()
    text_right = source.evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el);"
        " return r.getBoundingClientRect().right; }"
    )
    assert box["x"] + box["width"] - text_right < 20
    assert page.locator(".seg").count() == 17
    assert "test model" in page.locator(".test-model").inner_text()
    page.screenshot(path=str(screenshot_dir / "review-page.png"))
    page.goto(f"{live_server.url}/articles/")
    page.screenshot(path=str(screenshot_dir / "article-list.png"))


def test_edit_with_the_keyboard_then_reload(page, live_server, article):
    UserFactory(username="editor", groups=["editor"])
    open_review(page, live_server, article, "editor")
    caption = Segment.objects.get(article=article, position=1)

    row(page, 1).locator(".target-text").focus()
    page.keyboard.press("Enter")
    area = row(page, 1).locator("textarea")
    assert area.evaluate("el => el === document.activeElement")
    page.keyboard.press("Control+A")
    page.keyboard.type("Hassan Rouhani, President of Iran")
    page.keyboard.press("Control+Enter")

    # Saved, and the next segment's editor is open.
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.closest('.seg')"
        f" && document.activeElement.closest('.seg').dataset.segmentId === '{caption.pk + 1}'"
    )
    page.keyboard.press("Escape")
    page.reload()
    saved = row(page, 1)
    assert saved.locator(".target-text").inner_text() == "Hassan Rouhani, President of Iran"
    assert saved.locator(".badge").inner_text() == "edited"
    saved.locator(".history-toggle").click()
    history = saved.locator(".history-list")
    history.wait_for()
    assert "human" in history.inner_text() and "editor" in history.inner_text()
    caption.refresh_from_db()
    assert caption.target_text == "Hassan Rouhani, President of Iran"
    assert caption.revisions.filter(origin=RevisionOrigin.HUMAN).count() == 1


def test_escape_cancels_and_alt_arrows_move(page, live_server, article):
    UserFactory(username="editor", groups=["editor"])
    open_review(page, live_server, article, "editor")
    before = row(page, 2).locator(".target-text").inner_text()

    row(page, 2).locator(".target-text").click()
    page.keyboard.type(" extra words")
    page.keyboard.press("Escape")

    assert row(page, 2).locator(".target-text").inner_text() == before
    assert row(page, 2).locator("form.editor").is_hidden()
    page.keyboard.press("Alt+ArrowDown")
    assert page.evaluate("document.activeElement.closest('.seg').dataset.segmentId") == (
        row(page, 3).get_attribute("data-segment-id")
    )
    page.keyboard.press("Alt+ArrowUp")
    page.keyboard.press("Alt+ArrowUp")
    assert "is-current" in row(page, 1).get_attribute("class")


def test_two_editors_on_one_segment_lose_nothing(browser, live_server, article, screenshot_dir):
    UserFactory(username="first", groups=["editor"])
    UserFactory(username="second", groups=["editor"])
    pages = []
    for username in ("first", "second"):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        open_review(page, live_server, article, username)
        pages.append(page)
    first, second = pages

    for page, text in ((first, "First editor's words"), (second, "Second editor's words")):
        row(page, 4).locator(".target-text").click()
        page.keyboard.press("Control+A")
        page.keyboard.type(text)
    first.keyboard.press("Control+Enter")
    first.wait_for_function("() => !document.querySelector('.seg.has-conflict')")
    row(first, 4).locator(".badge").filter(has_text="edited").wait_for()
    second.keyboard.press("Control+Enter")

    conflict = row(second, 4).locator(".conflict")
    conflict.wait_for()
    assert "First editor's words" in conflict.locator(".theirs").inner_text()
    assert conflict.locator("textarea").input_value() == "Second editor's words"
    assert "first" in conflict.inner_text()
    second.screenshot(path=str(screenshot_dir / "review-conflict.png"))
    segment = Segment.objects.get(article=article, position=4)
    assert segment.target_text == "First editor's words"

    # The second editor merges and saves over the first, knowingly.
    merged = conflict.locator("textarea")
    merged.fill("First and second editors' words")
    conflict.get_by_role("button", name="Save mine").click()
    row(second, 4).locator(".target-text").filter(has_text="First and second").wait_for()
    texts = list(
        segment.revisions.filter(origin=RevisionOrigin.HUMAN).values_list("text", flat=True)
    )
    assert texts == ["First editor's words", "First and second editors' words"]
    for page in pages:
        page.context.close()


def test_a_viewer_sees_no_edit_control(page, live_server, article):
    UserFactory(username="reader", groups=["viewer"])
    open_review(page, live_server, article, "reader")

    assert page.locator("[data-editable]").count() == 0
    assert page.locator("textarea, form.editor, button.approve, .approve-all").count() == 0
    assert "editing needs the editor role" in page.inner_text("main")
    row(page, 1).locator(".seg-target").click()
    page.keyboard.press("Enter")
    assert page.locator("textarea").count() == 0


def test_a_reviewer_approves_every_visible_row(page, live_server, article):
    UserFactory(username="chief", groups=["reviewer"])
    open_review(page, live_server, article, "chief")
    page.on("dialog", lambda dialog: dialog.accept())

    page.click(".approve-all")
    page.wait_for_load_state("load")
    page.locator(".badge.status-approved").first.wait_for()

    article.refresh_from_db()
    assert article.get_status_display() == "approved"
    assert page.locator(".seg .badge.status-approved").count() == 17


def test_leaving_with_unsaved_text_asks_first(page, live_server, article):
    UserFactory(username="editor", groups=["editor"])
    open_review(page, live_server, article, "editor")
    row(page, 3).locator(".target-text").click()
    page.keyboard.type(" unsaved")
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)

    assert dialogs == ["beforeunload"]
