"""Assigning articles: who may, what is refused (naming the field), and the queue's filters."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, ArticleStatus
from tests.factories import ArticleFactory, UserFactory, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    return {
        "reviewer": UserFactory(username="rev", groups=["editor", "reviewer"]),
        "editor": UserFactory(username="ed", groups=["editor"]),
        "other": UserFactory(username="ed2", groups=["editor"]),
        "viewer": UserFactory(username="vi", groups=["viewer"]),
    }


def patch(user, article, body):
    return client_for(user).patch(f"/api/v1/articles/{article.pk}/", body, format="json")


def test_a_reviewer_assigns_an_editor_a_reviewer_and_a_due_time(desk):
    article = ArticleFactory()
    due = timezone.now() + timedelta(hours=5)
    response = patch(
        desk["reviewer"],
        article,
        {"assignee": desk["editor"].pk, "reviewer": desk["reviewer"].pk, "due_at": due.isoformat()},
    )
    assert response.status_code == 200, response.content
    assert response.json()["assignee"] == desk["editor"].pk
    assert response.json()["assignee_name"] == "ed"
    article.refresh_from_db()
    assert (article.assignee, article.reviewer) == (desk["editor"], desk["reviewer"])
    assert article.due_at == due

    detail = client_for(desk["viewer"]).get(f"/api/v1/articles/{article.pk}/").json()
    assert (detail["assignee"], detail["reviewer"]) == (desk["editor"].pk, desk["reviewer"].pk)
    assert detail["due_at"] is not None and "segments" in detail

    cleared = patch(desk["reviewer"], article, {"assignee": None, "due_at": None})
    assert cleared.status_code == 200
    article.refresh_from_db()
    assert (article.assignee, article.reviewer, article.due_at) == (None, desk["reviewer"], None)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("assignee", 987654, "No active user has the id 987654"),
        ("assignee", "viewer", "vi is a viewer"),
        ("reviewer", "editor", "cannot approve"),
        ("due_at", "past", "already passed"),
        ("due_at", "tomorrow at noon", "wrong format"),
    ],
)
def test_bad_values_are_refused_naming_the_field(desk, field, value, words):
    article = ArticleFactory()
    if value in {"viewer", "editor"}:
        value = desk[value].pk
    if value == "past":
        value = (timezone.now() - timedelta(minutes=1)).isoformat()
    response = patch(desk["reviewer"], article, {field: value})
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert words in str(response.json()[field])
    article.refresh_from_db()
    assert (article.assignee, article.reviewer, article.due_at) == (None, None, None)


def test_a_due_time_that_has_since_passed_may_stay_when_other_fields_change(desk):
    past = timezone.now() - timedelta(days=1)
    article = ArticleFactory(due_at=past)
    response = patch(
        desk["reviewer"], article, {"assignee": desk["editor"].pk, "due_at": past.isoformat()}
    )
    assert response.status_code == 200, response.content


def test_editors_take_an_unassigned_article_for_themselves_but_assign_nothing_else(desk):
    article = ArticleFactory()
    editor = desk["editor"]
    assert patch(editor, article, {"assignee": desk["other"].pk}).status_code == 403
    assert patch(editor, article, {"reviewer": desk["reviewer"].pk}).status_code == 403

    taken = patch(editor, article, {"assignee": editor.pk})
    assert taken.status_code == 200
    article.refresh_from_db()
    assert article.assignee == editor

    # Taken: another editor cannot take it over; only reviewers reassign it.
    refused = patch(desk["other"], article, {"assignee": desk["other"].pk})
    assert refused.status_code == 403
    assert "Only reviewers and staff assign" in refused.json()["detail"]
    assert patch(editor, article, {"assignee": None}).status_code == 200  # given back
    assert patch(desk["viewer"], article, {"assignee": desk["viewer"].pk}).status_code == 403


def test_the_queue_filters_by_assignee_and_overdue(desk):
    now = timezone.now()
    mine = ArticleFactory(assignee=desk["editor"], due_at=now - timedelta(hours=1))
    done = ArticleFactory(
        assignee=desk["editor"], due_at=now - timedelta(hours=1), status=ArticleStatus.APPROVED
    )
    theirs = ArticleFactory(assignee=desk["other"], due_at=now + timedelta(hours=1))
    nobody = ArticleFactory()
    api = client_for(desk["editor"])

    def ids(query: str) -> set[int]:
        response = api.get(f"/api/v1/articles/?{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids("assignee=me") == {mine.pk, done.pk}
    assert ids("assignee=none") == {nobody.pk}
    assert ids(f"assignee={desk['other'].pk}") == {theirs.pk}
    assert ids("overdue=true") == {mine.pk}
    assert ids("assignee=me&overdue=true") == {mine.pk}
    assert ids("overdue=false") == {done.pk, theirs.pk, nobody.pk}
    assert api.get("/api/v1/articles/?assignee=someone").status_code == 400


def test_a_reviewer_assigns_several_articles_at_once(desk):
    first, second, untouched = ArticleFactory(), ArticleFactory(), ArticleFactory()
    body = {"ids": [first.pk, second.pk], "assignee": desk["editor"].pk}
    response = client_for(desk["reviewer"]).post("/api/v1/articles/assign/", body, format="json")
    assert response.json() == {"updated": 2}
    assert set(Article.objects.filter(assignee=desk["editor"]).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    untouched.refresh_from_db()
    assert untouched.assignee is None
    body["assignee"] = desk["other"].pk
    refused = client_for(desk["editor"]).post("/api/v1/articles/assign/", body, format="json")
    assert refused.status_code == 403
    assert Article.objects.filter(assignee=desk["other"]).count() == 0


def test_the_list_page_shows_assignee_due_time_and_filters(desk):
    late = ArticleFactory(
        title="late one", assignee=desk["editor"], due_at=timezone.now() - timedelta(hours=2)
    )
    ArticleFactory(title="free one")
    page = Client()
    page.force_login(desk["editor"])
    html = page.get("/articles/?assignee=me").content.decode()
    assert "late one" in html and "free one" not in html
    assert "overdue" in html and '<span class="assignee">ed</span>' in html
    assert "free one" in page.get("/articles/?assignee=none").content.decode()
    assert "late one" in page.get("/articles/?overdue=true").content.decode()
    assert "free one" not in page.get("/articles/?overdue=true").content.decode()
    # Reviewers get the bulk form with the desk's members to choose from.
    page.force_login(desk["reviewer"])
    html = page.get(f"/articles/{late.pk}/").content.decode()
    assert 'class="assign-form"' in html and f'<option value="{desk["other"].pk}"' in html
    assert f'<option value="{desk["viewer"].pk}"' not in html


def test_the_api_list_reads_assignees_without_a_query_per_article(desk):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client_for(desk["viewer"]).get("/api/v1/articles/?page_size=50")
        assert response.status_code == 200
        assert {row["assignee_name"] for row in response.json()["results"]} == {"ed"}
        return len(captured)

    for _ in range(2):
        ArticleFactory(assignee=desk["editor"], reviewer=desk["reviewer"])
    few = queries()
    for _ in range(18):
        ArticleFactory(assignee=desk["editor"], reviewer=desk["reviewer"])

    assert queries() == few
