"""Nothing an editor types is lost: refused saves, server errors, a stopped server, reloads."""

import json

import pytest
from django.core.management import call_command
from django.test.testcases import QuietWSGIRequestHandler
from pytest_django.live_server_helper import LiveServer

from articles.models import Article, Segment
from articles.mt.translate import apply_translation
from tests.browser.test_admin_import import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEGMENT_API = "**/api/v1/segments/*/"


@pytest.fixture
def article(mt_model, seed_path):
    call_command("import_articles", str(seed_path), stdout=None)
    article = Article.objects.get()
    apply_translation(article_id=article.pk)
    return article


@pytest.fixture
def editor_page(page, live_server, article):
    UserFactory(username="editor", groups=["editor"])
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    page.locator(".seg").first.wait_for()
    page.evaluate("window.__notReloaded = true")
    return page


def row(page, position):
    return page.locator(".seg").nth(position)


def type_into(page, position, text):
    row(page, position).locator(".target-text").click()
    area = row(page, position).locator("textarea")
    area.wait_for()
    area.fill(text)
    return area


def assert_kept(page, position, text, reason):
    """The editor is still open with the text, the row says why, and the page was not replaced."""
    failure = row(page, position).locator(".save-error")
    failure.wait_for()
    assert row(page, position).locator("textarea").input_value() == text
    assert reason in failure.inner_text(), failure.inner_text()
    assert "Not saved" in failure.inner_text()
    assert page.evaluate("window.__notReloaded === true")


def test_a_save_refused_with_400_in_debug_keeps_the_text_and_names_the_rule(
    editor_page, article, settings
):
    settings.DEBUG = True
    page = editor_page
    # A page that believes the limit is higher (an older page, another client) sends too much:
    # the server's 400 is shown in the row, the page is not replaced by the error body.
    page.evaluate("document.querySelector('.review').dataset.maxLength = '50000'")
    long_text = "word " * 4001  # 20,005 characters
    type_into(page, 2, long_text)
    page.keyboard.press("Control+Enter")

    assert_kept(page, 2, long_text, "longer than 20,000 characters")
    assert row(page, 2).locator("[data-retry]").is_visible()
    segment = Segment.objects.get(article=article, position=2)
    assert segment.target_text != long_text


def test_too_long_text_is_refused_before_sending(editor_page):
    page = editor_page
    sent = []
    page.on("request", lambda request: sent.append(request) if request.method == "PATCH" else None)
    text = "x" * 20_010
    type_into(page, 2, text)
    counter = row(page, 2).locator(".counter")
    assert "20,010 / 20,000 characters: 10 too many" in counter.inner_text()
    page.keyboard.press("Control+Enter")

    assert_kept(page, 2, text, "longer than 20,000 characters (10 too many)")
    assert sent == []


def test_a_save_answered_500_keeps_the_text_and_retry_saves_it(editor_page, article):
    page = editor_page
    page.route(
        SEGMENT_API,
        lambda route: (
            route.fulfill(status=500, body="<h1>Server Error (500)</h1>")
            if route.request.method == "PATCH"
            else route.continue_()
        ),
    )
    type_into(page, 3, "Words kept through a server error")
    page.keyboard.press("Control+Enter")
    assert_kept(page, 3, "Words kept through a server error", "the server failed (error 500)")

    page.unroute(SEGMENT_API)
    row(page, 3).locator("[data-retry]").click()
    row(page, 3).locator(".target-text").filter(has_text="Words kept through").wait_for()
    segment = Segment.objects.get(article=article, position=3)
    assert segment.target_text == "Words kept through a server error"
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('newsroom:draft'))") == []
    )


def answering(status, body):
    def answer(route, request):
        if request.method != "PATCH":
            return route.continue_()
        if body is None:
            return route.fulfill(status=status, body="<html>error</html>")
        return route.fulfill(status=status, body=json.dumps(body), content_type="application/json")

    return answer


def test_every_kind_of_refusal_keeps_the_text_and_says_why(editor_page):
    page = editor_page
    page.evaluate("document.body.dataset.timeoutSeconds = '2'")
    answers = [
        (
            403,
            {"detail": "Viewers cannot change segments: ask for the editor role."},
            "editor role",
        ),
        (404, {"detail": "No such segment."}, "No such segment"),
        (413, None, "too large for the server"),
        (429, {"detail": "Request was throttled."}, "throttled"),
        (502, None, "the server failed (error 502)"),
    ]
    for status, body, reason in answers:
        page.unroute(SEGMENT_API)
        page.route(SEGMENT_API, answering(status, body))
        text = f"Text sent into a {status}"
        area = row(page, 4).locator("textarea")
        if not area.is_visible():
            type_into(page, 4, text)
        else:
            area.fill(text)
        page.keyboard.press("Control+Enter")
        page.wait_for_function(
            "() => { const form = document.querySelectorAll('.seg')[4].querySelector('form');"
            " return !form.dataset.busy && !form.querySelector('.save-error').hidden; }"
        )
        assert_kept(page, 4, text, reason)

    # The network gone, then a server that never answers.
    page.unroute(SEGMENT_API)
    page.route(SEGMENT_API, lambda route: route.abort("internetdisconnected"))
    row(page, 4).locator("textarea").fill("Offline words")
    page.keyboard.press("Control+Enter")
    page.get_by_text("could not be reached").wait_for()
    assert_kept(page, 4, "Offline words", "could not be reached")

    page.unroute(SEGMENT_API)
    page.route(SEGMENT_API, lambda route: None)  # never answered
    row(page, 4).locator("textarea").fill("Words waiting for an answer")
    page.keyboard.press("Control+Enter")
    page.get_by_text("did not answer within 2 seconds").wait_for(timeout=10_000)
    assert_kept(page, 4, "Words waiting for an answer", "did not answer within 2 seconds")


def test_a_stopped_server_keeps_the_text_in_the_editor_and_the_browser(
    page, live_server, article, monkeypatch
):
    # A server of this test's own, really stopped (the shared live server stays up), closing
    # each connection after its answer so that the browser keeps none open to a dead server.
    monkeypatch.setattr(QuietWSGIRequestHandler, "protocol_version", "HTTP/1.0")
    server = LiveServer("localhost")
    try:
        UserFactory(username="editor", groups=["editor"])
        log_in(page, server, "editor")
        page.goto(f"{server.url}/articles/{article.pk}/")
        page.evaluate("window.__notReloaded = true; document.body.dataset.timeoutSeconds = '5'")
        type_into(page, 5, "Typed while the server went away")
    finally:
        server.stop()
    page.keyboard.press("Control+Enter")

    # A connection the browser kept open may still reach a dying request thread (a 500); the
    # next attempt finds nobody listening.
    for _attempt in range(3):
        page.locator(".seg").nth(5).locator(".save-error").wait_for(timeout=15_000)
        page.wait_for_function(
            "() => !document.querySelectorAll('.seg')[5].querySelector('form').dataset.busy"
        )
        reason = page.locator(".seg").nth(5).locator(".save-reason").inner_text()
        assert_kept(page, 5, "Typed while the server went away", "Not saved")
        if "could not be reached" in reason or "did not answer" in reason:
            break
        page.locator(".seg").nth(5).locator("[data-retry]").click()
    assert "could not be reached" in reason or "did not answer within 5 seconds" in reason
    drafts = page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('newsroom:draft'))"
        ".map(k => JSON.parse(localStorage.getItem(k)).text)"
    )
    assert drafts == ["Typed while the server went away"]


def test_unsaved_text_comes_back_after_a_reload_until_saved_or_discarded(editor_page, article):
    page = editor_page
    segment = Segment.objects.get(article=article, position=6)
    row(page, 6).locator(".target-text").click()
    row(page, 6).locator("textarea").wait_for()
    page.keyboard.press("Control+A")
    page.keyboard.type("Unsaved words from before the crash")
    # Kept within a second of typing, per segment and version.
    page.wait_for_function(
        f"() => localStorage.getItem('newsroom:draft:{segment.pk}:{segment.version}')",
        timeout=1000,
    )
    page.on("dialog", lambda dialog: dialog.accept())
    page.reload()

    note = page.locator(".drafts-note")
    note.wait_for()
    assert "Segment 7 has unsaved text" in note.inner_text()
    note.get_by_role("button", name="Open the first one").click()
    area = row(page, 6).locator("textarea")
    assert area.input_value() == "Unsaved words from before the crash"
    assert "not saved yet" in row(page, 6).locator(".draft-note").inner_text()

    # Discarding puts the saved text back and forgets the draft.
    row(page, 6).get_by_role("button", name="Discard it").click()
    assert area.input_value() == segment.target_text
    assert page.evaluate(f"localStorage.getItem('newsroom:draft:{segment.pk}:1')") is None

    # A draft that is saved is dropped.
    page.keyboard.type(" and more")
    page.wait_for_function(
        f"() => localStorage.getItem('newsroom:draft:{segment.pk}:{segment.version}')"
    )
    page.keyboard.press("Control+Enter")
    row(page, 6).locator(".target-text").filter(has_text="and more").wait_for()
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('newsroom:draft'))") == []
    )


def test_a_draft_from_an_older_version_opens_the_conflict_view(editor_page, article):
    """A draft written before someone else saved is not saved over their text blindly."""
    page = editor_page
    segment = Segment.objects.get(article=article, position=7)
    type_into(page, 7, "My draft from yesterday")
    page.wait_for_function(
        f"() => localStorage.getItem('newsroom:draft:{segment.pk}:{segment.version}')"
    )
    Segment.objects.filter(pk=segment.pk).update(
        target_text="Their newer text", version=segment.version + 1
    )
    page.on("dialog", lambda dialog: dialog.accept())
    page.reload()
    row(page, 7).locator(".target-text").click()
    note = row(page, 7).locator(".draft-note")
    note.wait_for()
    assert "saved by someone since" in note.inner_text()
    page.keyboard.press("Control+Enter")

    conflict = row(page, 7).locator(".conflict")
    conflict.wait_for()
    assert "Their newer text" in conflict.locator(".theirs").inner_text()
    assert conflict.locator("textarea").input_value() == "My draft from yesterday"
