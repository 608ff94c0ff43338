"""An upload is checked and started the same way from the API and from the admin."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from articles.models import ImportBatch

RECORD = b'{"title": "a", "body": "b."}\n' * 40


@pytest.fixture
def small_limit(settings):
    settings.MAX_IMPORT_UPLOAD_BYTES = 1024
    return "The file is larger than 1 KB; import it with the command line."


def test_the_api_and_the_admin_refuse_a_file_over_the_limit_alike(api, staff_user, small_limit):
    upload = SimpleUploadedFile("big.jsonl", RECORD)
    response = api.post("/api/v1/imports/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["file"] == [small_limit]

    client = Client()
    client.force_login(staff_user)
    page = client.post(
        "/admin/articles/importbatch/add/",
        {
            "file": SimpleUploadedFile("big.jsonl", RECORD),
            "format": "auto",
            "source_language": "fa",
        },
    )
    assert page.status_code == 200
    assert small_limit in page.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_started_import_names_its_file_and_size_and_runs_after_commit(
    api, staff_user, django_capture_on_commit_callbacks
):
    content = b'{"title": "a", "body": "b."}\n{"title": "c", "body": "d."}\n'
    upload = SimpleUploadedFile("two.jsonl", content)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.post("/api/v1/imports/", {"file": upload}, format="multipart")
    batch = ImportBatch.objects.get()
    assert response.status_code == 202
    assert (batch.filename, batch.bytes_total) == ("two.jsonl", len(content))
    assert batch.created_by == staff_user
    assert batch.status == "queued" and len(callbacks) == 1

    callbacks[0]()
    batch.refresh_from_db()
    assert (batch.status, batch.created_count) == ("done", 2)
