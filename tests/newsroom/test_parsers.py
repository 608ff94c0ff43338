"""JSON request bodies: any nesting a client can send is answered, deep ones with a clear 400."""

import json
import time

import pytest
from rest_framework.test import APIClient

from tests.factories import SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor() -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(groups=["editor"]))
    return client


@pytest.fixture
def segment():
    return SegmentFactory(target_text="Rouhani says no coalition", version=1)


def _send(client, method, path, body: str, **headers):
    return getattr(client, method)(path, body, content_type="application/json", **headers)


@pytest.mark.parametrize(
    "body",
    [
        "[" * 1000 + "]" * 1000,
        '{"target_text": ' + "[" * 1000 + "]" * 1000 + "}",
        "[" * 100_000,  # unbalanced too: refused before anything else is said about it
        '{"a": ' * 5000 + "1" + "}" * 5000,
    ],
    ids=["array-1000", "field-1000", "open-100000", "object-5000"],
)
def test_a_body_nested_a_thousand_deep_is_400_saying_so(editor, segment, body):
    started = time.process_time()  # CPU time: a busy machine does not slow it much

    response = _send(editor, "patch", f"/api/v1/segments/{segment.pk}/", body, HTTP_IF_MATCH='"1"')

    assert response.status_code == 400
    assert "nested deeper than" in response.json()["detail"]
    assert time.process_time() - started < 10
    segment.refresh_from_db()
    assert segment.version == 1


def test_nesting_past_the_bound_is_refused_on_every_json_endpoint(editor, segment):
    deep = '{"segments": ' + "[" * 25 + "]" * 25 + "}"
    for method, path in [
        ("post", "/api/v1/segments/approve/"),
        ("post", "/api/v1/mentions/"),
        ("post", "/api/v1/entities/"),
        ("post", f"/api/v1/articles/{segment.article_id}/tag-all/"),
    ]:
        response = _send(editor, method, path, deep)
        assert response.status_code == 400, path
        assert "nested deeper than" in response.json()["detail"], path


def test_the_bodies_the_api_takes_are_well_within_the_bound(segment):
    reviewer = APIClient()
    reviewer.force_authenticate(UserFactory(groups=["reviewer"]))
    body = json.dumps({"segments": [{"id": segment.pk, "version": 1}]})

    response = _send(reviewer, "post", "/api/v1/segments/approve/", body)

    assert response.status_code == 200 and response.json()["approved"] == [segment.pk]


@pytest.mark.parametrize("body", ["[]", '"text"', "7", "true", "null", '[{"target_text": "x"}]'])
def test_a_body_that_is_not_an_object_is_400(editor, segment, body):
    response = _send(editor, "patch", f"/api/v1/segments/{segment.pk}/", body, HTTP_IF_MATCH='"1"')

    assert response.status_code == 400


def test_a_number_too_long_to_read_is_400(editor, segment):
    body = '{"segment": ' + "9" * 5000 + ', "side": "source", "start": 0, "end": 1, "text": "x"}'

    response = _send(editor, "post", "/api/v1/mentions/", body)

    assert response.status_code == 400
