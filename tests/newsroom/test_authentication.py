"""API tokens: the user and the user's role come in one statement, and the role is the same one
the rest of the desk reads (articles.permissions.Role)."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import SegmentFactory, UserFactory


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _save(client, segment, text="A corrected line."):
    return client.patch(
        f"/api/v1/segments/{segment.pk}/",
        {"target_text": text},
        format="json",
        HTTP_IF_MATCH=segment.etag,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("groups", "flags", "saves"),
    [
        (["viewer"], {}, 403),
        (["editor"], {}, 200),
        (["editor", "reviewer"], {}, 200),
        ([], {"is_staff": True}, 200),
    ],
)
def test_a_token_carries_its_users_role(groups, flags, saves):
    segment = SegmentFactory()
    response = _save(_token_client(UserFactory(groups=groups, **flags)), segment)
    assert response.status_code == saves, response.content


@pytest.mark.django_db
def test_a_permission_granted_to_the_token_user_directly_counts():
    user = UserFactory()
    segment = SegmentFactory()
    client = _token_client(user)
    assert _save(client, segment).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="change_segment"))
    assert _save(client, segment).status_code == 200


@pytest.mark.django_db
def test_only_reviewers_approve_through_a_token():
    segment = SegmentFactory(target_text="Done.")
    body = {"status": "approved"}
    editor = _token_client(UserFactory(groups=["editor"]))
    reviewer = _token_client(UserFactory(groups=["editor", "reviewer"]))
    path = f"/api/v1/segments/{segment.pk}/"
    refused = editor.patch(path, body, format="json", HTTP_IF_MATCH=segment.etag)
    assert refused.status_code == 403
    assert reviewer.patch(path, body, format="json", HTTP_IF_MATCH=segment.etag).status_code == 200


@pytest.mark.django_db
def test_unknown_tokens_and_inactive_users_are_refused():
    segment = SegmentFactory()
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = stranger.get(f"/api/v1/segments/{segment.pk}/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."

    user = UserFactory(groups=["editor"])
    client = _token_client(user)
    user.is_active = False
    user.save()
    response = client.get(f"/api/v1/segments/{segment.pk}/")
    assert response.status_code == 401
    assert response.json()["detail"] == "User inactive or deleted."


@pytest.mark.django_db
def test_a_save_reads_the_token_and_the_role_in_one_statement():
    segment = SegmentFactory()
    client = _token_client(UserFactory(groups=["editor"]))
    with CaptureQueriesContext(connection) as queries:
        assert _save(client, segment).status_code == 200
    reads_of_users = [q["sql"] for q in queries if "auth_user" in q["sql"]]
    assert len(reads_of_users) == 1
    assert "auth_permission" in reads_of_users[0]


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["a\x00b", "x';--", "abc-def", "x" * 5000])
def test_a_malformed_token_is_refused_like_an_unknown_one(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get(f"/api/v1/segments/{SegmentFactory().pk}/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."
