"""Comments on a segment: who may post, change, resolve; mentions notify; text stays text."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from articles.comments.models import Comment, Notification
from articles.comments.text import comment_html, mentioned_usernames
from tests.factories import SegmentFactory, UserFactory, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "reviewer": UserFactory(username="reviewer", groups=["editor", "reviewer"]),
        "editor": UserFactory(username="editor", groups=["editor"]),
        "viewer": UserFactory(username="viewer", groups=["viewer"]),
    }


def post(user, segment, text):
    return client_for(user).post(
        f"/api/v1/segments/{segment.pk}/comments/", {"text": text}, format="json"
    )


def test_any_signed_in_reader_comments_and_the_thread_reads_back_in_order(people):
    segment = SegmentFactory()
    first = post(people["viewer"], segment, "Is «هسته‌ای» nuclear here?")
    assert first.status_code == 201, first.content
    assert first.json()["author"] == "viewer"
    assert first.json()["article"] == segment.article_id
    assert post(people["editor"], segment, "Yes.").status_code == 201

    thread = client_for(people["viewer"]).get(f"/api/v1/segments/{segment.pk}/comments/")
    assert [c["text"] for c in thread.json()] == ["Is «هسته‌ای» nuclear here?", "Yes."]
    assert APIClient().get(f"/api/v1/segments/{segment.pk}/comments/").status_code in {401, 403}
    assert APIClient().post(
        f"/api/v1/segments/{segment.pk}/comments/", {"text": "x"}
    ).status_code in {401, 403}
    assert post(people["viewer"], segment, "   ").status_code == 400
    assert "text" in post(people["viewer"], segment, "").json()
    assert post(people["viewer"], segment, "x" * 5001).status_code == 400
    assert client_for(people["viewer"]).get("/api/v1/segments/999999/comments/").status_code == 404


def test_a_mention_notifies_that_user_until_they_mark_it_read(people):
    segment = SegmentFactory()
    post(people["editor"], segment, "@reviewer please check the date; cc @nobody and @editor.")
    notes = client_for(people["reviewer"]).get("/api/v1/notifications/?unread=true").json()
    assert notes["count"] == 1
    note = notes["results"][0]
    assert note["comment"]["author"] == "editor"
    assert note["comment"]["mentions"] == ["reviewer", "editor"]
    assert note["url"].endswith(f"?thread={segment.pk}#seg-{segment.pk}")
    # The author is not notified of their own name; unknown names notify nobody.
    assert Notification.objects.count() == 1

    # The header counts it, the mentions page lists it.
    page = Client()
    page.force_login(people["reviewer"])
    assert '<span class="unread-count">1</span>' in page.get("/articles/").content.decode()
    assert "please check the date" in page.get("/notifications/").content.decode()

    read = client_for(people["reviewer"]).patch(
        f"/api/v1/notifications/{note['id']}/", {"read": True}, format="json"
    )
    assert read.status_code == 200 and read.json()["read"] is True
    assert (
        client_for(people["reviewer"]).get("/api/v1/notifications/?unread=true").json()["count"]
        == 0
    )
    assert "unread-count" not in page.get("/articles/").content.decode()
    # Nobody reads or marks another user's notifications.
    other = client_for(people["editor"])
    assert other.get("/api/v1/notifications/").json()["count"] == 0
    assert (
        other.patch(
            f"/api/v1/notifications/{note['id']}/", {"read": False}, format="json"
        ).status_code
        == 404
    )


def test_mark_all_read_and_answering_a_thread_reads_its_mentions(people):
    one, two = SegmentFactory(), SegmentFactory()
    post(people["editor"], one, "@reviewer one")
    post(people["editor"], two, "@reviewer two")
    reviewer = client_for(people["reviewer"])
    post(people["reviewer"], one, "Done.")
    unread = reviewer.get("/api/v1/notifications/?unread=true").json()["results"]
    assert [n["comment"]["text"] for n in unread] == ["@reviewer two"]
    assert reviewer.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert reviewer.get("/api/v1/notifications/?unread=true").json()["count"] == 0
    assert reviewer.get("/api/v1/notifications/").json()["count"] == 2


def test_editors_and_reviewers_resolve_and_reopen_a_thread_viewers_do_not(people):
    segment = SegmentFactory()
    first = post(people["viewer"], segment, "@reviewer is this right?").json()
    post(people["viewer"], segment, "And the number?")
    url = f"/api/v1/comments/{first['id']}/"

    refused = client_for(people["viewer"]).patch(url, {"resolved": True}, format="json")
    assert refused.status_code == 403
    assert "Only editors, reviewers and staff resolve" in refused.json()["detail"]

    done = client_for(people["reviewer"]).patch(url, {"resolved": True}, format="json")
    assert done.status_code == 200
    assert (done.json()["resolved"], done.json()["resolved_by"]) == (True, "reviewer")
    assert not Comment.objects.open().exists()  # the whole thread
    # Resolving dealt with the resolver's mention in it.
    assert not Notification.objects.filter(read_at__isnull=True).exists()

    reopened = client_for(people["editor"]).patch(url, {"resolved": False}, format="json")
    assert reopened.json()["resolved"] is False
    assert Comment.objects.open().count() == 2

    # A new comment in a resolved thread opens it again.
    client_for(people["editor"]).patch(url, {"resolved": True}, format="json")
    post(people["viewer"], segment, "One more thing.")
    listed = client_for(people["viewer"]).get(f"/api/v1/articles/{segment.article_id}/")
    assert listed.json()["open_threads"] == 1


def test_authors_change_their_own_text_within_fifteen_minutes_only(people):
    segment = SegmentFactory()
    mine = post(people["editor"], segment, "Typo hree.").json()
    url = f"/api/v1/comments/{mine['id']}/"

    changed = client_for(people["editor"]).patch(url, {"text": "Typo here, @reviewer."})
    assert changed.status_code == 200
    assert changed.json()["text"] == "Typo here, @reviewer." and changed.json()["edited_at"]
    assert Notification.objects.filter(user=people["reviewer"]).count() == 1  # newly mentioned

    theirs = client_for(people["reviewer"]).patch(url, {"text": "Rewritten."}, format="json")
    assert theirs.status_code == 403
    assert "Only its author" in theirs.json()["detail"]

    Comment.objects.filter(pk=mine["id"]).update(created_at=timezone.now() - timedelta(minutes=16))
    late = client_for(people["editor"]).patch(url, {"text": "Too late."}, format="json")
    assert late.status_code == 403
    assert "within 15 minutes" in late.json()["detail"]
    assert Comment.objects.get(pk=mine["id"]).text == "Typo here, @reviewer."
    assert client_for(people["editor"]).patch(url, {}, format="json").status_code == 400


def test_comment_text_is_shown_as_text_with_safe_links():
    html = comment_html(
        '<img src=x onerror=alert(1)> see https://example.org/a?b=1&c=2). "javascript:alert(1)"'
        " @reviewer",
        known_users={"reviewer"},
    )
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">'
        "https://example.org/a?b=1&amp;c=2</a>)." in html
    )
    assert 'href="javascript' not in html
    assert '<span class="mention">@reviewer</span>' in html
    assert mentioned_usernames("mail me at a@b.com, @ed.one. and @ed.one again") == ["ed.one"]


def test_the_review_page_counts_comments_per_row_and_the_list_counts_open_threads(people):
    segment = SegmentFactory()
    quiet = SegmentFactory(article=segment.article)
    post(people["viewer"], segment, "First https://example.org")
    post(people["viewer"], segment, "<b>Second</b>")
    page = Client()
    page.force_login(people["viewer"])
    review = page.get(f"/articles/{segment.article_id}/").content.decode()
    assert f'id="comment-count-{segment.pk}">(2, 2 open)</span>' in review
    assert f'id="comment-count-{quiet.pk}"></span>' in review

    thread = page.get(f"/segments/{segment.pk}/thread/").content.decode()
    assert "&lt;b&gt;Second&lt;/b&gt;" in thread
    assert 'rel="noopener noreferrer nofollow"' in thread
    assert "Resolve thread" not in thread  # viewers comment, but do not resolve
    assert "1 open thread" in page.get("/articles/").content.decode()


def test_the_api_answers_htmx_with_the_thread(people):
    segment = SegmentFactory()
    page = Client()
    page.force_login(people["editor"])
    response = page.post(
        f"/api/v1/segments/{segment.pk}/comments/",
        {"text": "Check @reviewer"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 201
    html = response.content.decode()
    assert 'class="thread-panel"' in html and "Resolve thread" in html
    assert '<span class="mention">@reviewer</span>' in html
