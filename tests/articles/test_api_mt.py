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


def test_translate_again_rewrites_only_rows_nobody_touched(
    mt_model, seeded, django_capture_on_commit_callbacks
):
    from articles.editing import save_segment
    from articles.models import Segment

    client = _client("editor")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/v1/articles/{seeded.pk}/translate/")
    edited = Segment.objects.get(article=seeded, position=1)
    save_segment(
        segment_id=edited.pk,
        expected_version=edited.version,
        user=UserFactory(groups=["editor"]),
        target_text="Kept by a person",
    )
    untouched = Segment.objects.get(article=seeded, position=2)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/articles/{seeded.pk}/translate/?again=true")

    assert response.status_code == 202
    edited.refresh_from_db()
    assert edited.target_text == "Kept by a person"
    version = untouched.version
    untouched.refresh_from_db()
    assert untouched.version == version + 1 and untouched.status == SegmentStatus.MACHINE
    assert untouched.revisions.filter(origin="mt").count() == 2


def test_bulk_translate_queues_the_selection_and_reports_progress(
    mt_model, seeded, tmp_path, django_capture_on_commit_callbacks
):
    other = tmp_path / "other.txt"
    other.write_text("خبر دیگر\n\nمتن خبر دیگر.\n", encoding="utf-8")
    call_command("import_articles", str(other), stdout=None)
    second = Article.objects.exclude(pk=seeded.pk).get()
    client = _client("editor")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/articles/translate/", {"ids": [second.pk]}, format="json")

    assert response.status_code == 202
    body = response.json()
    # Answered before the queued task ran; the run's own address shows it done.
    assert (body["total"], body["translated"], body["waiting"], body["skipped"]) == (1, 0, 1, 0)
    progress = client.get(f"/api/v1/articles/translate/{body['id']}/").json()
    assert (progress["translated"], progress["waiting"]) == (1, 0)
    second.refresh_from_db()
    seeded.refresh_from_db()
    assert second.status == ArticleStatus.TRANSLATED and seeded.status == ArticleStatus.NEW

    # All matching the filters: the one already translated is skipped, not queued again.
    with django_capture_on_commit_callbacks(execute=True):
        matching = client.post("/api/v1/articles/translate/", {"filters": {}}, format="json")
    assert (matching.json()["total"], matching.json()["skipped"]) == (1, 1)
    run = client.get(f"/api/v1/articles/translate/{matching.json()['id']}/")
    assert run.status_code == 200 and run.json()["translated"] == 1
    assert client.get("/api/v1/articles/translate/999999/").status_code == 404


def test_bulk_translate_is_role_checked_and_needs_a_model(seeded, settings):
    assert (
        _client("viewer").post("/api/v1/articles/translate/", {"ids": [seeded.pk]}, format="json")
    ).status_code == 403
    editor = _client("editor")
    refused = editor.post("/api/v1/articles/translate/", {"ids": [seeded.pk]}, format="json")
    assert refused.status_code == 409 and "no fa→en" in refused.json()["detail"]
    both = editor.post("/api/v1/articles/translate/", {"ids": [1], "filters": {}}, format="json")
    assert both.status_code == 400
    bad = editor.post(
        "/api/v1/articles/translate/", {"filters": {"status": "finished"}}, format="json"
    )
    assert bad.status_code == 400
    seeded.refresh_from_db()
    assert seeded.status == ArticleStatus.NEW


def test_bulk_translate_is_in_the_schema():
    client = _client("viewer")
    schema = client.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT="application/json")
    text = schema.content.decode()
    assert "/api/v1/articles/translate/" in text
    assert "/api/v1/articles/translate/{run}/" in text


def test_the_translate_buttons_say_why_they_cannot_run(mt_model, settings):
    from articles.mt.status import translation_readiness

    assert translation_readiness()["ready"]  # tests run tasks in the web process
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    waiting = translation_readiness()
    assert not waiting["ready"] and "start manage.py db_worker" in waiting["reason"]
    beat("worker-1")
    assert translation_readiness()["ready"]
    settings.ARGOS_PACKAGES_DIR = settings.BASE_DIR / "var" / "no-such-packages"
    assert "No translation model is installed" in translation_readiness()["reason"]
