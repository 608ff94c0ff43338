"""The desk in a real browser: a reviewer assigns, an editor asks the reviewer about a row with
@reviewer, the reviewer sees the mention, opens the thread and resolves it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.comments.models import Comment, Notification
from articles.models import Article, SegmentStatus
from tests.browser.test_admin_import import log_in
from tests.factories import ArticleFactory, SegmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_console(page) -> list[str]:
    """Console errors and CSP reports seen by the page (there should be none)."""
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"{page.url} {message.location} {message.text[:60]}")
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    return problems


def test_assign_comment_with_a_mention_then_the_reviewer_resolves(
    browser, live_server, screenshot_dir
):
    reviewer = UserFactory(username="reviewer", groups=["editor", "reviewer"])
    editor = UserFactory(username="editor", groups=["editor"])
    article = ArticleFactory(title="خبر نخست")
    other = ArticleFactory(title="خبر دوم")
    ArticleFactory(title="خبر سوم")
    row = SegmentFactory(
        article=article, position=0, target_text="The minister met.", status=SegmentStatus.MACHINE
    )
    SegmentFactory(article=article, position=1, target_text="Second.", status=SegmentStatus.MACHINE)

    # The reviewer assigns two articles at once from the list.
    as_reviewer = browser.new_context(viewport={"width": 1440, "height": 900})
    page = as_reviewer.new_page()
    problems = watch_console(page)
    log_in(page, live_server, "reviewer")
    page.goto(f"{live_server.url}/articles/")
    page.locator(f'.select-article[value="{article.pk}"]').check()
    page.locator(f'.select-article[value="{other.pk}"]').check()
    page.locator(".bulk-assign summary").click()
    page.locator(".bulk-assign .assign-assignee").select_option(label="editor")
    page.locator(".bulk-assign .assign-reviewer").select_option(label="reviewer")
    due = timezone.localtime(timezone.now() + timedelta(days=1), timezone.get_fixed_timezone(0))
    page.locator(".bulk-assign .assign-due").fill(due.strftime("%Y-%m-%dT%H:%M"))
    page.locator(".assign-selected").click()
    page.locator(".bulk-progress", has_text="Assigned 2 articles").wait_for()
    page.locator(f'tr[data-article-id="{article.pk}"] .assignee', has_text="editor").wait_for()
    assigned = Article.objects.filter(assignee=editor, reviewer=reviewer, due_at__isnull=False)
    assert set(assigned.values_list("pk", flat=True)) == {article.pk, other.pk}

    # The editor finds it under "assigned to me" and asks about a row, from the keyboard.
    as_editor = browser.new_context(viewport={"width": 390, "height": 844})
    writer = as_editor.new_page()
    problems += watch_console(writer)
    log_in(writer, live_server, "editor")
    writer.goto(f"{live_server.url}/articles/?assignee=me")
    assert writer.locator("tr[data-article-id]").count() == 2
    writer.goto(f"{live_server.url}/articles/{article.pk}/")
    assert "Assigned to editor" in writer.locator(".assignment-line").inner_text()
    toggle = writer.locator(f"#seg-{row.pk} .comments-toggle")
    toggle.focus()
    writer.keyboard.press("Enter")
    box = writer.locator(f"#thread-{row.pk} textarea")
    box.wait_for()
    assert box.evaluate("element => element === document.activeElement")
    writer.keyboard.type("@reviewer is minister right here? https://example.org/<b>x</b>")
    writer.keyboard.press("Control+Enter")
    writer.locator(f"#thread-{row.pk} .comment .mention", has_text="@reviewer").wait_for()
    link = writer.locator(f"#thread-{row.pk} .comment a")
    assert link.get_attribute("rel") == "noopener noreferrer nofollow"
    # The address stops where markup starts; the markup stays text.
    assert link.get_attribute("href") == "https://example.org/"
    assert "<b>x</b>" in writer.locator(f"#thread-{row.pk} .comment-text").inner_text()
    assert writer.locator(f"#thread-{row.pk} .comment b").count() == 0
    assert writer.locator(f"#comment-count-{row.pk}").inner_text() == "(1, 1 open)"
    writer.screenshot(path=str(screenshot_dir / "comments-editor-390.png"), full_page=True)
    # The row's editor still works beside an open thread, and the comment was no edit.
    row.refresh_from_db()
    assert row.version == 1 and row.target_text == "The minister met."

    # The reviewer sees the mention in the header, opens it and resolves the thread.
    page.goto(f"{live_server.url}/articles/")
    assert page.locator(".mentions-link .unread-count").inner_text() == "1"
    page.locator(".mentions-link").click()
    page.locator(".notification", has_text="is minister right here?").wait_for()
    page.locator(".notification .open-thread").click()
    thread = page.locator(f"#thread-{row.pk} .thread-panel")
    thread.wait_for()
    page.screenshot(path=str(screenshot_dir / "comments-reviewer-1440.png"))
    page.locator(f"#thread-{row.pk} .thread-resolve").click()
    page.locator(f"#thread-{row.pk} .thread-resolved").wait_for()
    assert page.locator(f"#comment-count-{row.pk}").inner_text() == "(1, resolved)"
    assert "has-open" not in page.locator(f"#seg-{row.pk} .comments-toggle").get_attribute("class")
    page.locator(".mentions-link:not(:has(.unread-count))").wait_for()
    comment = Comment.objects.get()
    assert (comment.resolved_by, comment.author) == (reviewer, editor)
    assert not Notification.objects.filter(read_at__isnull=True).exists()

    # Reopened by the editor, from the same thread.
    writer.locator(f"#thread-{row.pk} .thread-close").click()
    writer.locator(f"#seg-{row.pk} .comments-toggle").click()
    writer.locator(f"#thread-{row.pk} .thread-resolve", has_text="Reopen").click()
    writer.locator(f"#thread-{row.pk} .thread-resolve", has_text="Resolve").wait_for()
    assert Comment.objects.open().count() == 1

    as_reviewer.close()
    as_editor.close()
    assert not problems, problems
