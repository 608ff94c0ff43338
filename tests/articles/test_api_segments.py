"""PATCH /api/v1/segments/{id}/ exactly as CONTRACT.md: If-Match, 412, 428, roles, revisions."""

import pytest
from rest_framework.test import APIClient

from articles.models import ArticleStatus, RevisionOrigin, SegmentStatus
from tests.factories import ArticleFactory, SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(*groups, **flags) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(groups=list(groups), **flags))
    return client


@pytest.fixture
def segment():
    return SegmentFactory(
        target_text="Rouhani says no coalition",
        mt_text="Rouhani says no coalition",
        status=SegmentStatus.MACHINE,
        version=2,
    )


def _patch(client, segment, body, etag=None, **headers):
    if etag is not None:
        headers["HTTP_IF_MATCH"] = etag
    return client.patch(f"/api/v1/segments/{segment.pk}/", body, format="json", **headers)


def test_a_save_answers_200_with_the_new_version_and_etag(segment):
    response = _patch(_client("editor"), segment, {"target_text": "Rouhani: no coalition"}, '"2"')

    assert response.status_code == 200
    assert response["ETag"] == '"3"'
    body = response.json()
    assert body["version"] == 3 and body["target_text"] == "Rouhani: no coalition"
    assert body["status"] == "edited"
    assert body["edit_distance"] == 2  # "Rouhani" → "Rouhani:", "says" dropped
    revision = segment.revisions.get()
    assert (revision.origin, revision.version, revision.text) == (
        RevisionOrigin.HUMAN,
        3,
        "Rouhani: no coalition",
    )


def test_a_stale_version_is_412_with_the_current_segment_and_nothing_changes(segment):
    editor = _client("editor")
    assert _patch(editor, segment, {"target_text": "first"}, '"2"').status_code == 200

    response = _patch(editor, segment, {"target_text": "second"}, '"2"')

    assert response.status_code == 412
    assert response["ETag"] == '"3"'
    body = response.json()
    assert body["current"]["target_text"] == "first" and body["current"]["version"] == 3
    assert "changed since you read it" in body["detail"]
    segment.refresh_from_db()
    assert segment.target_text == "first"
    assert segment.revisions.count() == 1


def test_without_if_match_the_answer_is_428(segment):
    response = _patch(_client("editor"), segment, {"target_text": "x"})

    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]


@pytest.mark.parametrize("etag", ['W/"2"', "2"])
def test_weak_and_bare_etags_are_understood(segment, etag):
    assert _patch(_client("editor"), segment, {"target_text": "x"}, etag).status_code == 200


def test_a_malformed_if_match_is_400(segment):
    assert _patch(_client("editor"), segment, {"target_text": "x"}, "*").status_code == 400


@pytest.mark.parametrize(
    "etag",
    [
        '"' + "9" * 5000 + '"',  # past Python's limit on digits converted to int
        '"2147483648"',  # past the database's integer column
        '"99999999999999999999"',
        '"0"',
        '"-1"',
        '"²"',  # a digit to str.isdigit(), not to int()
        '"١"',  # an Arabic-Indic one: a digit to int(), not an ETag this API sent
        '"2" , "3"',
        '"' + "x" * 300 + '"',
    ],
)
def test_an_if_match_that_is_not_a_version_is_400_with_the_reason(segment, etag):
    response = _patch(_client("editor"), segment, {"target_text": "x"}, etag)

    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "If-Match" in detail and len(detail) < 300  # the header is not echoed at length
    segment.refresh_from_db()
    assert segment.version == 2 and segment.target_text == "Rouhani says no coalition"


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\x01", "U+0001"),
        ("\x08", "U+0008"),
        ("\x0b", "U+000B"),
        ("\x0c", "U+000C"),
        ("\x0e", "U+000E"),
        ("\x1f", "U+001F"),
        ("\ufffe", "U+FFFE"),
        ("\uffff", "U+FFFF"),
    ],
)
def test_a_correction_with_a_character_xml_forbids_is_refused_naming_it(segment, char, name):
    text = f"Rouhani says{char} no coalition"

    response = _patch(_client("editor"), segment, {"target_text": text}, '"2"')

    assert response.status_code == 400
    assert response.json()["detail"] == f"target_text contains {name} at position 12; remove it."
    segment.refresh_from_db()
    assert segment.version == 2 and segment.target_text == "Rouhani says no coalition"


def test_tabs_and_line_breaks_in_a_correction_are_kept(segment):
    text = "Rouhani:\tno coalition\r\nwith Russia"

    response = _patch(_client("editor"), segment, {"target_text": text}, '"2"')

    assert response.status_code == 200 and response.json()["target_text"] == text


def test_viewers_get_403_and_anonymous_401_or_403(segment):
    assert _patch(_client("viewer"), segment, {"target_text": "x"}, '"2"').status_code == 403
    assert _patch(APIClient(), segment, {"target_text": "x"}, '"2"').status_code in (401, 403)
    segment.refresh_from_db()
    assert segment.version == 2


def test_editors_cannot_approve_but_reviewers_can(segment, django_capture_on_commit_callbacks):
    refused = _patch(_client("editor"), segment, {"status": "approved"}, '"2"')
    with django_capture_on_commit_callbacks(execute=True):  # the article follows the commit
        approved = _patch(_client("reviewer"), segment, {"status": "approved"}, '"2"')

    assert refused.status_code == 403 and "reviewers" in refused.json()["detail"]
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    segment.article.refresh_from_db()
    assert segment.article.status == ArticleStatus.APPROVED


def test_an_empty_body_or_an_unknown_status_is_400(segment):
    editor = _client("editor")
    assert _patch(editor, segment, {}, '"2"').status_code == 400
    assert _patch(editor, segment, {"status": "done"}, '"2"').status_code == 400


def test_an_empty_translation_cannot_be_approved():
    empty = SegmentFactory(target_text="", status=SegmentStatus.EMPTY)
    response = _patch(_client("reviewer"), empty, {"status": "approved"}, '"1"')
    assert response.status_code == 400


def test_unknown_segment_is_404():
    response = _client("editor").patch(
        "/api/v1/segments/999/", {"target_text": "x"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 404


def test_the_article_is_in_review_after_an_edit_and_approved_when_all_segments_are(
    django_capture_on_commit_callbacks,
):
    article = ArticleFactory(status=ArticleStatus.TRANSLATED)
    one, two = (
        SegmentFactory(article=article, target_text=t, mt_text=t, status=SegmentStatus.MACHINE)
        for t in ("One.", "Two.")
    )
    reviewer = _client("reviewer")

    with django_capture_on_commit_callbacks(execute=True):  # the article follows the commit
        _patch(reviewer, one, {"target_text": "One!"}, '"1"')
    article.refresh_from_db()
    assert article.status == ArticleStatus.IN_REVIEW

    response = reviewer.post(
        "/api/v1/segments/approve/",
        {"segments": [{"id": one.pk, "version": 2}, {"id": two.pk, "version": 1}]},
        format="json",
    )
    assert response.status_code == 200
    assert sorted(response.json()["approved"]) == sorted([one.pk, two.pk])
    article.refresh_from_db()
    assert article.status == ArticleStatus.APPROVED


def test_bulk_approve_skips_segments_that_changed_and_returns_them(segment):
    response = _client("reviewer").post(
        "/api/v1/segments/approve/", {"segments": [{"id": segment.pk, "version": 1}]}, format="json"
    )

    assert response.json()["approved"] == []
    assert response.json()["conflicts"][0]["version"] == 2


def test_editors_cannot_bulk_approve(segment):
    response = _client("editor").post(
        "/api/v1/segments/approve/", {"segments": [{"id": segment.pk, "version": 2}]}, format="json"
    )
    assert response.status_code == 403


def test_restoring_an_old_text_is_a_new_revision(segment):
    editor = _client("editor")
    _patch(editor, segment, {"target_text": "changed"}, '"2"')

    response = _patch(editor, segment, {"target_text": "Rouhani says no coalition"}, '"3"')

    assert response.status_code == 200
    history = editor.get(f"/api/v1/segments/{segment.pk}/revisions/").json()
    assert [(r["version"], r["text"], r["origin"]) for r in history] == [
        (3, "changed", "human"),
        (4, "Rouhani says no coalition", "human"),
    ]


def test_time_spent_editing_adds_up(segment):
    editor = _client("editor")
    _patch(editor, segment, {"target_text": "a", "edit_seconds": 12.5}, '"2"')
    _patch(editor, segment, {"target_text": "b", "edit_seconds": 4}, '"3"')

    segment.refresh_from_db()
    assert segment.edit_seconds == 16.5


def test_session_writes_need_the_csrf_token(segment):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(groups=["editor"]))

    response = client.patch(
        f"/api/v1/segments/{segment.pk}/",
        '{"target_text": "x"}',
        content_type="application/json",
        HTTP_IF_MATCH='"2"',
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_htmx_saves_answer_with_the_row_and_conflicts_with_the_conflict_row(segment):
    from django.test import Client

    client = Client()
    client.force_login(UserFactory(groups=["editor"]))
    url = f"/api/v1/segments/{segment.pk}/"

    saved = client.patch(
        url,
        "target_text=Mine",
        content_type="application/x-www-form-urlencoded",
        HTTP_IF_MATCH='"2"',
        HTTP_HX_REQUEST="true",
    )
    stale = client.patch(
        url,
        "target_text=Also+mine",
        content_type="application/x-www-form-urlencoded",
        HTTP_IF_MATCH='"2"',
        HTTP_HX_REQUEST="true",
    )

    assert saved.status_code == 200 and saved["ETag"] == '"3"'
    row = saved.content.decode()
    assert f'data-segment-id="{segment.pk}"' in row and 'data-version="3"' in row
    assert stale.status_code == 412
    conflict = stale.content.decode()
    assert "has-conflict" in conflict
    assert ">Also mine</textarea>" in conflict  # what the second editor typed is kept
    assert "Mine" in conflict
    assert 'data-version="3"' in conflict  # "save mine" is sent against the version shown


def test_an_if_match_ahead_of_the_segment_is_412_and_writes_nothing(segment):
    response = _patch(_client("editor"), segment, {"target_text": "from the future"}, '"7"')

    assert response.status_code == 412 and response.json()["current"]["version"] == 2
    segment.refresh_from_db()
    assert segment.version == 2 and not segment.revisions.exists()


def test_a_conflict_is_not_logged_as_a_warning(segment, caplog):
    editor = _client("editor")
    _patch(editor, segment, {"target_text": "first"}, '"2"')

    with caplog.at_level("WARNING", logger="django.request"):
        assert _patch(editor, segment, {"target_text": "second"}, '"2"').status_code == 412

    assert not [r for r in caplog.records if "Precondition" in r.getMessage()]
