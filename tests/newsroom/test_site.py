"""Site-wide behaviour: login everywhere, the health check, the admin import page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from articles.models import ImportBatch
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/articles/", "/articles/1/", "/api/docs/", "/admin/"])
def test_pages_need_a_login(path):
    response = Client().get(path)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_healthz_answers_without_login():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_groups_exist_after_migrate():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {"viewer", "editor", "reviewer"}


def test_admin_upload_creates_a_batch_whose_page_shows_counts_and_errors(
    staff_user, seed_path, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(staff_user)
    page = client.get("/admin/articles/importbatch/add/")
    assert b"Import articles" in page.content

    content = seed_path.read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/articles/importbatch/add/",
            {
                "file": SimpleUploadedFile("seed.txt", content),
                "format": "auto",
                "source_language": "fa",
            },
        )

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    batch_page = client.get(f"/admin/articles/importbatch/{batch.pk}/change/")
    text = batch_page.content.decode()
    assert "created 1, updated 0, skipped 0, failed 0" in " ".join(text.split())
    assert batch.created_by == staff_user


def test_admin_batch_page_lists_failed_records(staff_user, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/articles/importbatch/add/",
            {
                "file": SimpleUploadedFile("bad.jsonl", b'[1]\n{"title": "x"}\n'),
                "format": "auto",
                "source_language": "fa",
            },
        )
    batch = ImportBatch.objects.get()
    text = client.get(f"/admin/articles/importbatch/{batch.pk}/change/").content.decode()
    assert "bad.jsonl line 1" in text and "expected a JSON object" in text
    assert "bad.jsonl line 2" in text and "no body" in text


def test_viewer_sees_the_article_list_page(seed_path):
    from django.core.management import call_command

    call_command("import_articles", str(seed_path), stdout=None)
    client = Client()
    client.force_login(UserFactory(groups=["viewer"]))
    text = client.get("/articles/").content.decode()
    assert "روحانی: ائتلافی بین ایران و روسیه برای مبارزه با داعش وجود ندارد" in text


def test_a_batch_nobody_picks_up_says_to_start_a_worker(staff_user):
    from datetime import timedelta

    from django.utils import timezone

    batch = ImportBatch.objects.create(filename="late.jsonl", created_by=staff_user)
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    client = Client()
    client.force_login(staff_user)

    text = client.get(f"/admin/articles/importbatch/{batch.pk}/change/").content.decode()

    assert "No task worker is running" in text
    assert "manage.py db_worker" in text
    assert '<meta http-equiv="refresh"' in text


def test_staff_with_only_the_import_permission_can_follow_their_import(
    django_capture_on_commit_callbacks,
):
    from django.contrib.auth.models import Permission

    importer = UserFactory(is_staff=True)
    importer.user_permissions.add(Permission.objects.get(codename="add_importbatch"))
    client = Client()
    client.force_login(importer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/articles/importbatch/add/",
            {
                "file": SimpleUploadedFile("one.jsonl", b'{"title": "a", "body": "b."}\n'),
                "format": "auto",
                "source_language": "fa",
            },
        )
    page = client.get(response["Location"])

    assert page.status_code == 200
    assert "created 1, updated 0, skipped 0, failed 0" in " ".join(page.content.decode().split())


def test_a_live_worker_silences_the_start_a_worker_hint(staff_user):
    from datetime import timedelta

    from django.utils import timezone

    from articles.workers import beat

    batch = ImportBatch.objects.create(filename="late.jsonl", created_by=staff_user)
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    beat("worker-1")
    client = Client()
    client.force_login(staff_user)

    text = client.get(f"/admin/articles/importbatch/{batch.pk}/change/").content.decode()

    assert "No task worker is running" not in text


def _admin_import(client, seed_path, **fields):
    return client.post(
        "/admin/articles/importbatch/add/",
        {
            "file": SimpleUploadedFile("seed.txt", seed_path.read_bytes()),
            "format": "auto",
            "source_language": "fa",
            **fields,
        },
    )


def test_admin_import_can_translate_and_shows_its_progress(
    mt_model, staff_user, seed_path, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = _admin_import(client, seed_path, translate="on")
    page = " ".join(client.get(response["Location"]).content.decode().split())

    assert "machine translation: 1 of 1 articles done" in page
    from articles.models import Article, ArticleStatus

    assert Article.objects.get().status == ArticleStatus.TRANSLATED


def test_admin_import_asking_for_translation_without_a_model_is_refused(staff_user, seed_path):
    client = Client()
    client.force_login(staff_user)

    response = _admin_import(client, seed_path, translate="on")

    assert response.status_code == 200
    assert "no fa→en translation model is installed" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_staff_read_segments_in_the_admin_but_correct_them_on_the_review_page(staff_user):
    from tests.factories import SegmentFactory

    segment = SegmentFactory(target_text="before", version=3)
    client = Client()
    client.force_login(staff_user)

    page = client.get(f"/admin/articles/segment/{segment.pk}/change/").content.decode()
    client.post(f"/admin/articles/segment/{segment.pk}/change/", {"target_text": "after"})

    assert "edit on the review page" in page and 'name="target_text"' not in page
    segment.refresh_from_db()
    assert (segment.target_text, segment.version) == ("before", 3)


def test_favicon_ico_leads_to_the_icon_for_everyone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
