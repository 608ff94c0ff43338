"""Writing knowledge-base entities: one path for the API, the admin, and restoring an export.

Every save stores the entity's search text (what `Entity.objects.search` looks in) and, once
committed, queues a refresh of suggestions: the names the gazetteer matches have changed.
"""

from __future__ import annotations

from django.db import transaction

from annotations.kb import search_text
from annotations.models import Entity, MentionOrigin
from annotations.tasks import refresh_suggestions


def save_entity(entity: Entity, *, refresh: bool = True) -> Entity:
    """Save an entity whose fields are set and checked, with its search text.

    `refresh=False` when the caller brings mentions of its own (a restored export): no
    suggestions are re-run for it.
    """
    entity.search_text = search_text(
        {
            "name_en": entity.name_en,
            "name_fa": entity.name_fa,
            "aliases_en": entity.aliases_en or [],
            "aliases_fa": entity.aliases_fa or [],
        }
    )
    entity.save()
    if refresh:
        transaction.on_commit(refresh_suggestions.enqueue)
    return entity


def create_entity(*, refresh: bool = True, **fields) -> Entity:
    return save_entity(Entity(**fields), refresh=refresh)


def update_entity(entity: Entity, **fields) -> Entity:
    for name, value in fields.items():
        setattr(entity, name, value)
    return save_entity(entity)


def delete_entity(entity: Entity) -> None:
    """Remove an entity; its suggestions go with it, tags people made stay (untyped by entity)."""
    with transaction.atomic():
        entity.mentions.filter(origin=MentionOrigin.SUGGESTED).delete()
        entity.delete()
