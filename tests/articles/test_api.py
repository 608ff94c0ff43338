"""The REST API as a client sees it: paths, fields, auth, pagination and imports."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.models import Article, ImportBatch
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ARTICLE_FIELDS = {
    "id",
    "url",
    "external_id",
    "title",
    "title_translation",
    "status",
    "source_language",
    "target_language",
    "published_at",
    "scraped_at",
    "segment_count",
    "edited_count",
    "approved_count",
    "created_at",
    "updated_at",
}
SEGMENT_FIELDS = {
    "id",
    "article",
    "position",
    "kind",
    "paragraph",
    "source_text",
    "mt_text",
    "mt_model",
    "target_text",
    "status",
    "version",
    "updated_at",
    "updated_by",
}


@pytest.fixture
def seeded(seed_path):
    call_command("import_articles", str(seed_path), stdout=None)
    return Article.objects.get()


def test_anonymous_clients_are_refused():
    response = APIClient().get("/api/v1/articles/")
    assert response.status_code in (401, 403)


def test_token_auth_lists_articles_with_contract_fields(seeded):
    user = UserFactory(groups=["viewer"])
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    body = client.get("/api/v1/articles/").json()

    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    item = body["results"][0]
    assert set(item) >= ARTICLE_FIELDS
    assert item["status"] == "new"
    assert item["segment_count"] == 17
    assert item["scraped_at"].startswith("2024-03-29T03:06:00+03:30")


def test_article_detail_has_ordered_segments_and_raw_text(api, seeded):
    body = api.get(f"/api/v1/articles/{seeded.pk}/").json()

    assert [s["position"] for s in body["segments"]] == list(range(17))
    assert set(body["segments"][0]) >= SEGMENT_FIELDS
    assert body["segments"][0]["kind"] == "title"
    assert body["segments"][0]["status"] == "empty"
    assert body["raw_text"].startswith("لینکهای قابلیت دسترسی")


def test_article_filters(api, seeded, tmp_path):
    assert api.get("/api/v1/articles/", {"q": "سوخت‌گیری"}).json()["count"] == 1
    assert api.get("/api/v1/articles/", {"q": "فوتبال"}).json()["count"] == 0
    assert api.get("/api/v1/articles/", {"status": "new"}).json()["count"] == 1
    assert api.get("/api/v1/articles/", {"status": "approved"}).json()["count"] == 0
    assert api.get("/api/v1/articles/", {"status": "bogus"}).status_code == 400


def test_segment_detail_carries_an_etag_and_revisions(api, seeded):
    segments = api.get("/api/v1/segments/", {"article": seeded.pk}).json()
    assert segments["count"] == 17
    first = segments["results"][0]

    response = api.get(f"/api/v1/segments/{first['id']}/")

    assert response["ETag"] == f'"{first["version"]}"'
    assert api.get(f"/api/v1/segments/{first['id']}/revisions/").json() == []


def test_segments_cannot_be_replaced_whole(api, seeded):
    segment = seeded.segments.first()
    response = api.put(f"/api/v1/segments/{segment.pk}/", {"target_text": "x"}, format="json")
    assert response.status_code == 405


def test_pagination_pages_through_articles(api, tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"title": f"خبر {n}", "body": f"متن شماره {n}.", "url": f"https://e.ir/{n}"})
            for n in range(60)
        ),
        encoding="utf-8",
    )
    call_command("import_articles", str(path), stdout=None)

    first = api.get("/api/v1/articles/").json()
    second = api.get(first["next"]).json()

    assert first["count"] == 60 and len(first["results"]) == 50 and len(second["results"]) == 10


def test_post_import_runs_and_reports_per_record_errors(api, django_capture_on_commit_callbacks):
    content = "\n".join(
        [
            json.dumps({"title": "الف", "body": "متن الف.", "url": "https://e.ir/a"}),
            "{broken",
        ]
    ).encode()
    upload = SimpleUploadedFile("upload.jsonl", content, content_type="application/x-ndjson")

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/imports/", {"file": upload}, format="multipart")

    assert response.status_code == 202
    batch = response.json()
    assert {"id", "status", "created", "updated", "skipped", "failed", "errors"} <= set(batch)
    detail = api.get(f"/api/v1/imports/{batch['id']}/").json()
    assert detail["status"] == "done"
    assert (detail["created"], detail["failed"]) == (1, 1)
    assert detail["errors"] == [
        {"record": "upload.jsonl line 2", "reason": detail["errors"][0]["reason"]}
    ]
    assert "invalid JSON" in detail["errors"][0]["reason"]


def test_post_import_of_unusable_file_is_a_failed_batch(api, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("x.txt", b"\x00\x01\x02\x03binary", content_type="text/plain")
    with django_capture_on_commit_callbacks(execute=True):
        batch = api.post("/api/v1/imports/", {"file": upload}, format="multipart").json()
    detail = api.get(f"/api/v1/imports/{batch['id']}/").json()
    assert detail["status"] == "failed"
    assert "binary" in detail["message"]


def test_post_import_validation_errors(api):
    assert api.post("/api/v1/imports/", {}, format="multipart").status_code == 400
    upload = SimpleUploadedFile("x.jsonl", b"{}", content_type="text/plain")
    bad_format = api.post(
        "/api/v1/imports/", {"file": upload, "format": "docx"}, format="multipart"
    )
    assert bad_format.status_code == 400
    assert "format" in bad_format.json()


def test_viewers_cannot_import():
    client = APIClient()
    client.force_authenticate(UserFactory(groups=["viewer"]))
    upload = SimpleUploadedFile("x.jsonl", b'{"title": "a", "body": "b."}')
    assert client.post("/api/v1/imports/", {"file": upload}, format="multipart").status_code == 403
    assert ImportBatch.objects.count() == 0


@pytest.fixture
def batch(staff_user):
    return ImportBatch.objects.create(
        filename="leaked-sources-2024.zip",
        created_by=staff_user,
        errors=[{"record": "leaked-sources-2024.zip line 3", "reason": "invalid JSON"}],
    )


@pytest.mark.parametrize("group", ["viewer", "editor", "reviewer"])
def test_import_batches_are_not_shown_to_users_who_cannot_import(batch, group):
    client = APIClient()
    client.force_authenticate(UserFactory(groups=[group]))

    for path in ("/api/v1/imports/", f"/api/v1/imports/{batch.pk}/"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "import" in response.json()["detail"]
        assert b"leaked-sources" not in response.content


def test_importers_and_staff_see_import_batches(batch, api):
    importer = UserFactory(groups=["editor"])
    importer.user_permissions.add(Permission.objects.get(codename="add_importbatch"))
    client = APIClient()
    client.force_authenticate(importer)

    for reader in (client, api):
        listed = reader.get("/api/v1/imports/").json()["results"]
        assert [item["filename"] for item in listed] == ["leaked-sources-2024.zip"]
        assert reader.get(f"/api/v1/imports/{batch.pk}/").json()["errors"] == batch.errors


def test_openapi_schema_and_docs_are_served(api, staff_user):
    assert api.get("/api/schema/").status_code == 200
    api.force_login(staff_user)
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
