"""The knowledge base's version, which tells each process its gazetteer is out of date.

With a shared cache (REDIS_URL) it is a token in that cache; here the local-memory cache stands
in for Redis (tests/newsroom/test_multiprocess.py runs the real thing across processes).
"""

import pytest
from django.core.cache import cache

from annotations import kb_version as version_module
from annotations.entities import create_entity, delete_entity, update_entity
from annotations.kb import upsert_entities
from annotations.kb_version import kb_version
from annotations.models import Entity, EntityType, MentionSide
from annotations.suggestions import gazetteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_cache(settings):
    settings.SHARED_CACHE = True
    cache.delete(version_module.KEY)
    yield
    cache.delete(version_module.KEY)


def test_with_a_shared_cache_the_version_is_read_without_the_database(
    shared_cache, django_assert_num_queries
):
    first = kb_version()
    with django_assert_num_queries(0):
        assert kb_version() == first


def test_every_committed_entity_write_gives_a_new_version(
    shared_cache, django_capture_on_commit_callbacks
):
    seen = [kb_version()]
    with django_capture_on_commit_callbacks(execute=True):
        entity = create_entity(type=EntityType.ORG, name_en="Zagros Press", name_fa="زاگرس")
    seen.append(kb_version())
    with django_capture_on_commit_callbacks(execute=True):
        update_entity(entity, aliases_fa=["نشر زاگرس"])
    seen.append(kb_version())
    with django_capture_on_commit_callbacks(execute=True):
        upsert_entities(Entity, [(1, {"name_en": "Alborz", "type": "LOC", "name_fa": "البرز"})])
    seen.append(kb_version())
    with django_capture_on_commit_callbacks(execute=True):
        delete_entity(entity)
    seen.append(kb_version())
    with django_capture_on_commit_callbacks(execute=True):
        Entity.objects.filter(name_en="Alborz").delete()  # the admin's bulk delete
    seen.append(kb_version())
    assert len(set(seen)) == len(seen)


def test_a_write_rolled_back_leaves_the_version(shared_cache, django_capture_on_commit_callbacks):
    before = kb_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        create_entity(type=EntityType.ORG, name_en="Zagros Press", name_fa="زاگرس")
    assert callbacks  # the new token waits for the commit
    assert kb_version() == before


def test_a_lost_token_is_replaced_once_for_everyone(shared_cache):
    first = kb_version()
    cache.delete(version_module.KEY)
    second = kb_version()
    assert second != first and kb_version() == second


def test_the_gazetteer_finds_a_new_entity_on_the_next_call(
    shared_cache, django_capture_on_commit_callbacks
):
    assert not gazetteer().find("خبر از زاگرس", MentionSide.SOURCE)
    with django_capture_on_commit_callbacks(execute=True):
        create_entity(type=EntityType.ORG, name_en="Zagros Press", name_fa="زاگرس")
    assert [m.entity_id for m in gazetteer().find("خبر از زاگرس", MentionSide.SOURCE)] == [
        Entity.objects.get(name_en="Zagros Press").pk
    ]


def test_without_a_shared_cache_the_version_follows_the_table(
    settings, django_capture_on_commit_callbacks
):
    settings.SHARED_CACHE = False
    before = kb_version()
    with django_capture_on_commit_callbacks(execute=True):
        create_entity(type=EntityType.ORG, name_en="Zagros Press", name_fa="زاگرس")
    assert kb_version() != before
