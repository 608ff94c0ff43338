"""Every API answer is private to its user: no shared cache keeps one for someone else."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _private(response) -> None:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",")}
    assert "private" in directives and "public" not in directives, response.get("Cache-Control")
    assert {"authorization", "cookie"} <= vary, response.get("Vary")


@pytest.fixture
def segment():
    return SegmentFactory(target_text="Rouhani says no coalition", version=3)


@pytest.fixture
def editor() -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(groups=["editor"]))
    return client


def test_reads_writes_and_errors_of_the_api_are_private(editor, segment):
    answers = [
        editor.get("/api/v1/articles/"),
        editor.get(f"/api/v1/articles/{segment.article_id}/"),
        editor.get("/api/v1/segments/999999/"),  # 404
        editor.get("/api/v1/articles/?status=nonsense"),  # 400
        editor.get("/api/v1/imports/"),  # 403
        editor.patch(f"/api/v1/segments/{segment.pk}/", {"target_text": "x"}, format="json"),
        APIClient().get("/api/v1/articles/"),  # 401
        editor.get("/api/schema/"),
    ]
    assert [r.status_code for r in answers] == [200, 200, 404, 400, 403, 428, 401, 200]
    for response in answers:
        _private(response)


def test_the_segment_etag_is_kept_beside_the_private_headers(editor, segment):
    read = editor.get(f"/api/v1/segments/{segment.pk}/")
    saved = editor.patch(
        f"/api/v1/segments/{segment.pk}/",
        {"target_text": "Rouhani: no coalition"},
        format="json",
        HTTP_IF_MATCH=read["ETag"],
    )

    assert read["ETag"] == '"3"' and saved["ETag"] == '"4"'
    _private(read)
    _private(saved)


def test_exports_are_private(editor, segment):
    for path in (f"/api/v1/articles/{segment.article_id}/export/", "/api/v1/export/"):
        response = editor.get(path, {"format": "tmx"})
        assert response.status_code == 200
        b"".join(response.streaming_content)
        _private(response)


def test_a_csrf_refusal_from_the_api_is_private_too(segment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(groups=["editor"]))

    response = client.patch(
        f"/api/v1/segments/{segment.pk}/",
        '{"target_text": "x"}',
        content_type="application/json",
        HTTP_IF_MATCH='"3"',
    )

    assert response.status_code == 403
    _private(response)
