"""The knowledge base's version: how every process learns that its gazetteer is out of date.

With a shared cache (REDIS_URL) the version is a token in that cache, replaced once a change
commits; any process, on any machine, sees the new token on its next suggestion, without reading
the entities table. Without one, each process reads a summary of the table instead.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max

from annotations.models import Entity

KEY = "annotations:kb-version"


def kb_version() -> object:
    """Changes whenever an entity is added, changed or deleted."""
    if not settings.SHARED_CACHE:
        state = Entity.objects.aggregate(
            count=Count("id"), changed=Max("updated_at"), top=Max("id")
        )
        return (state["count"], state["changed"], state["top"])
    version = cache.get(KEY)
    if version is None:
        # First use, or the cache lost it: a new token, so every process builds afresh once.
        fresh = uuid.uuid4().hex
        version = fresh if cache.add(KEY, fresh, timeout=None) else cache.get(KEY, fresh)
    return version


def knowledge_base_changed() -> None:
    """Give the knowledge base a new version once the current transaction commits.

    Not before: a process that read the new token early could build its gazetteer from the
    old rows and keep it under the new version.
    """
    if settings.SHARED_CACHE:
        transaction.on_commit(lambda: cache.set(KEY, uuid.uuid4().hex, timeout=None))
