"""Entities written through the admin keep their search text, as through the API."""

import pytest
from django.test import Client

from annotations.models import Entity
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_entity_added_in_the_admin_is_found_by_its_alias():
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/annotations/entity/add/",
        {
            "name_en": "Test Airfield",
            "name_fa": "فرودگاه آزمایشی",
            "type": "FAC",
            "aliases_en": '["Zzyzx Field"]',
            "aliases_fa": "[]",
            "wikidata_id": "",
            "notes": "",
        },
    )
    assert response.status_code == 302
    assert [e.name_en for e in Entity.objects.search("zzyzx")] == ["Test Airfield"]


def test_deleting_an_entity_in_the_admin_keeps_nothing_behind():
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    entity = Entity.objects.create(name_en="Gone Place", type="GPE")
    response = client.post(f"/admin/annotations/entity/{entity.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Entity.objects.filter(pk=entity.pk).exists()
