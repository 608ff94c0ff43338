"""Roles are read from permissions, wherever they were granted; every edge asks the same rule."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from rest_framework.test import APIClient

from articles.permissions import Role
from tests.factories import SegmentFactory, UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("groups", "flags", "name"),
    [
        ([], {}, "viewer"),
        (["viewer"], {}, "viewer"),
        (["editor"], {}, "editor"),
        (["editor", "reviewer"], {}, "reviewer"),
        ([], {"is_superuser": True}, "staff"),
    ],
)
def test_the_role_name_follows_what_the_role_allows(groups, flags, name):
    role = Role.of(UserFactory(groups=groups, **flags))
    assert role.name == name
    assert role.can_edit == (name != "viewer")


@pytest.mark.django_db
def test_a_permission_granted_to_the_user_counts_as_one_granted_to_a_group():
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="change_segment"))
    segment = SegmentFactory()

    client = Client()
    client.force_login(user)
    assert '<dd class="role">editor</dd>' in client.get("/accounts/profile/").content.decode()

    api = APIClient()
    api.force_authenticate(user)
    response = api.patch(
        f"/api/v1/segments/{segment.pk}/",
        {"target_text": "A test report."},
        format="json",
        HTTP_IF_MATCH=f'"{segment.version}"',
    )
    assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_viewers_are_refused_every_write_with_the_same_reason():
    segment = SegmentFactory()
    api = APIClient()
    api.force_authenticate(UserFactory(groups=["viewer"]))

    refusals = [
        api.patch(
            f"/api/v1/segments/{segment.pk}/",
            {"target_text": "x"},
            format="json",
            HTTP_IF_MATCH=f'"{segment.version}"',
        ),
        api.post(f"/api/v1/articles/{segment.article_id}/translate/"),
        api.post(
            "/api/v1/mentions/",
            {"segment": segment.pk, "side": "source", "start": 0, "end": 1, "type": "GPE"},
            format="json",
        ),
    ]
    assert [response.status_code for response in refusals] == [403, 403, 403]
    assert len({response.json()["detail"] for response in refusals}) == 1
    assert "editor role" in refusals[0].json()["detail"]
