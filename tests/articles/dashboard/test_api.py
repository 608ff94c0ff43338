"""GET /api/v1/stats/ in CONTRACT.md's shape; bad input is a 400 naming the field."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer():
    client = APIClient()
    client.force_authenticate(UserFactory(username="reader", groups=["viewer"]))
    return client


def test_by_editor_answers_the_contract_shape(desk_day, viewer):
    response = viewer.get("/api/v1/stats/", {"by": "editor"})

    assert response.status_code == 200
    body = response.json()
    assert body["by"] == "editor"
    row = next(row for row in body["rows"] if row["label"] == "ed1")
    assert row["key"] == desk_day["editor"].pk
    assert {k: row[k] for k in ("segments_edited", "segments_approved", "words_changed")} == {
        "segments_edited": 3,
        "segments_approved": 0,
        "words_changed": 6,
    }
    assert row["seconds"] == 40.5


def test_by_day_keys_are_iso_dates_within_the_period(desk_day, viewer):
    today = timezone.localdate().isoformat()
    body = viewer.get("/api/v1/stats/", {"from": today, "to": today}).json()
    assert body["by"] == "day"
    assert [(row["key"], row["label"]) for row in body["rows"]] == [(today, today)]
    assert body["rows"][0]["segments_edited"] == 3
    assert body["rows"][0]["articles_imported"] == 2


def test_by_outlet_and_an_outlet_filter(desk_day, viewer):
    body = viewer.get("/api/v1/stats/", {"by": "outlet"}).json()
    assert {row["key"]: row["segments_edited"] for row in body["rows"]} == {"IRNA": 3, "ISNA": 0}
    body = viewer.get("/api/v1/stats/", {"by": "outlet", "outlet": "ISNA"}).json()
    assert [row["key"] for row in body["rows"]] == ["ISNA"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2026-11-30", "to": "2026-11-01"}, "from"),
        ({"by": "week"}, "by"),
        ({"from": "0001-01-01"}, "from"),
        ({"to": "9999-12-31"}, "to"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(viewer, query, field):
    response = viewer.get("/api/v1/stats/", query)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_signed_out_requests_are_refused(desk_day):
    assert APIClient().get("/api/v1/stats/").status_code in (401, 403)
