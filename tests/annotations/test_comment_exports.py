"""A segment's comments travel with it: in the JSON export, and as XLIFF <note>s."""

import json

import pytest
from rest_framework.test import APIClient
from translate.storage import xliff as xliff_storage

from articles.comments.services import post_comment, resolve_thread
from articles.models import SegmentStatus
from tests.factories import SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def discussed():
    editor = UserFactory(username="editor", groups=["editor"])
    segment = SegmentFactory(target_text="The minister met.", status=SegmentStatus.EDITED)
    quiet = SegmentFactory(article=segment.article, target_text="Quiet.")
    first = post_comment(segment=segment, user=editor, text="Which minister? <b>&</b>")
    resolve_thread(comment=first, user=editor, resolved=True)
    post_comment(segment=segment, user=UserFactory(username="reader"), text="Still open")
    return segment, quiet


def _get(article_id: int, fmt: str) -> bytes:
    client = APIClient()
    client.force_authenticate(UserFactory(groups=["viewer"]))
    response = client.get(f"/api/v1/articles/{article_id}/export/", {"format": fmt})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_json_export_carries_each_segments_comments(discussed):
    segment, quiet = discussed
    data = json.loads(_get(segment.article_id, "json"))
    rows = {row["id"]: row for row in data["segments"]}
    assert [
        (c["author"], c["text"], c["resolved"], c["resolved_by"])
        for c in rows[segment.pk]["comments"]
    ] == [
        ("editor", "Which minister? <b>&</b>", True, "editor"),
        ("reader", "Still open", False, None),
    ]
    assert rows[quiet.pk]["comments"] == []


def test_the_xliff_export_writes_comments_as_notes_from_their_authors(discussed):
    segment, quiet = discussed
    store = xliff_storage.xlifffile(_get(segment.article_id, "xliff"))
    units = {unit.target: unit for unit in store.units}
    unit = units[segment.target_text]
    assert unit.getnotes(origin="editor") == "Which minister? <b>&</b>"
    assert unit.getnotes(origin="reader") == "Still open"
    assert units[quiet.target_text].getnotes() == ""
