"""Machine translation through the REST API: request it, follow it, see whether it can run."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.test import APIClient

from articles.models import Article, ArticleStatus, SegmentStatus
from articles.workers import beat
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(seed_path):
    call_command("import_articles", str(seed_path), stdout=None)
    return Article.objects.get()


def _client(*groups) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(groups=list(groups)))
    return client


def test_post_translate_queues_and_answers_202_with_progress(
    mt_model, seeded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _client("editor").post(f"/api/v1/articles/{seeded.pk}/translate/")

    assert response.status_code == 202
    body = response.json()
    assert body["article"] == seeded.pk and body["total"] == 17
    assert body["model"] == "translate-fa_en-test-tiny@1.0" and body["test_model"] is True
    # The test task backend runs the task at once: progress now reads 17 of 17.
    progress = _client("viewer").get(f"/api/v1/articles/{seeded.pk}/translate/").json()
    assert (progress["status"], progress["translated"], progress["total"]) == (
        "translated",
        17,
        17,
    )
    item = _client("viewer").get(f"/api/v1/articles/{seeded.pk}/").json()
    assert item["translated_count"] == 17
    assert all(segment["status"] == "machine" for segment in item["segments"])
    assert {segment["mt_model"] for segment in item["segments"]} == {
        "translate-fa_en-test-tiny@1.0"
    }


def test_a_queued_article_with_no_live_worker_says_so(mt_model, seeded):
    Article.objects.filter(pk=seeded.pk).update(status=ArticleStatus.TRANSLATING)

    body = _client("viewer").get(f"/api/v1/articles/{seeded.pk}/translate/").json()

    assert body["workers_alive"] == 0
    assert "no task worker is running: start manage.py db_worker" in body["warning"]
    beat("worker-1")
    body = _client("viewer").get(f"/api/v1/articles/{seeded.pk}/translate/").json()
    assert body["workers_alive"] == 1 and body["warning"] == ""


def test_viewers_cannot_request_translation(mt_model, seeded):
    response = _client("viewer").post(f"/api/v1/articles/{seeded.pk}/translate/")

    assert response.status_code == 403
    seeded.refresh_from_db()
    assert seeded.status == ArticleStatus.NEW


def test_translate_without_a_model_is_a_409_and_queues_nothing(seeded):
    response = _client("editor").post(f"/api/v1/articles/{seeded.pk}/translate/")

    assert response.status_code == 409
    assert "mt install --file" in response.json()["detail"]
    seeded.refresh_from_db()
    assert seeded.status == ArticleStatus.NEW


def test_translate_an_unknown_article_is_404(mt_model):
    assert _client("editor").post("/api/v1/articles/999/translate/").status_code == 404


def test_mt_status_names_the_model_and_the_workers(mt_model):
    beat("w1")

    body = _client("viewer").get("/api/v1/mt/").json()

    assert body["model"] == "translate-fa_en-test-tiny@1.0"
    assert body["test_model"] is True
    assert body["workers_alive"] == 1


def test_an_import_can_ask_for_translation(
    mt_model, seed_path, api, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("seed.txt", seed_path.read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/imports/", {"file": upload, "translate": "true"})

    assert response.status_code == 202
    article = Article.objects.get()
    assert article.status == ArticleStatus.TRANSLATED
    assert article.segments.filter(status=SegmentStatus.MACHINE).count() == 17


def test_an_import_asking_for_translation_without_a_model_is_refused(seed_path, api):
    upload = SimpleUploadedFile("seed.txt", seed_path.read_bytes())

    response = api.post("/api/v1/imports/", {"file": upload, "translate": "true"})

    assert response.status_code == 400
    assert "mt install" in response.json()["translate"][0]
    assert not Article.objects.exists()
