"""Loading the knowledge base: one JSON object per entity, upserted by its identity.

Identity is the Wikidata id when there is one, else type + English name (CONTRACT.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from annotations.kb_version import knowledge_base_changed
from annotations.models import EntityType
from articles.text.controls import describe, first_forbidden

STARTER = Path(__file__).resolve().parent / "data" / "starter_entities.jsonl"
FIELDS = ("name_en", "name_fa", "type", "aliases_en", "aliases_fa", "wikidata_id", "notes")


class InvalidEntity(ValueError):
    pass


def _names(value, field_name: str) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidEntity(f"{field_name} must be a list of strings")
    return list(dict.fromkeys(" ".join(item.split()) for item in value if item.strip()))


def clean_entity(data: object) -> dict:
    """The entity fields of one record, checked; raises InvalidEntity saying what is wrong."""
    if not isinstance(data, dict):
        raise InvalidEntity("each line must be a JSON object")
    name_en = " ".join(str(data.get("name_en") or "").split())
    if not name_en:
        raise InvalidEntity("name_en is required")
    kind = str(data.get("type") or "").upper()
    if kind not in EntityType.values:
        raise InvalidEntity(f"type must be one of {', '.join(EntityType.values)}, not {kind!r}")
    wikidata = str(data.get("wikidata_id") or "").strip()
    if wikidata and not (wikidata[0] == "Q" and wikidata[1:].isdigit()):
        raise InvalidEntity(f"wikidata_id looks like Q42, not {wikidata!r}")
    cleaned = {
        "name_en": name_en[:300],
        "name_fa": " ".join(str(data.get("name_fa") or "").split())[:300],
        "type": kind,
        "aliases_en": _names(data.get("aliases_en"), "aliases_en"),
        "aliases_fa": _names(data.get("aliases_fa"), "aliases_fa"),
        "wikidata_id": wikidata,
        "notes": str(data.get("notes") or ""),
    }
    _refuse_forbidden(cleaned)
    return cleaned


def _refuse_forbidden(fields: dict) -> None:
    """Names are matched against articles and shown everywhere: none may hold a character
    XML 1.0 forbids (articles/text/controls.py)."""
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            found = first_forbidden(item)
            if found:
                position, char = found
                raise InvalidEntity(
                    f"{name} contains {describe(char)} at position {position}; remove it."
                )


def search_text(fields: dict) -> str:
    names = [fields["name_en"], fields["name_fa"], *fields["aliases_en"], *fields["aliases_fa"]]
    return "\n".join(name.casefold() for name in names if name)


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        return f"created {self.created}, updated {self.updated}, failed {self.failed}"


def read_jsonl(path: Path) -> Iterator[tuple[int, object]]:
    with open(path, encoding="utf-8-sig") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as error:
                    yield number, InvalidEntity(f"not JSON: {error.msg}")


def upsert_entities(Entity, records: Iterable[tuple[int, object]], *, batch: int = 1000):
    """Create or update entities in batches; `Entity` may be a migration's historical model."""
    summary = LoadSummary()
    pending: list[tuple[int, dict]] = []

    def flush() -> None:
        now = timezone.now()
        by_wikidata = {f["wikidata_id"]: f for _, f in pending if f["wikidata_id"]}
        by_name = {(f["type"], f["name_en"]): f for _, f in pending}
        found = {}
        if by_wikidata:
            for entity in Entity.objects.filter(wikidata_id__in=list(by_wikidata)):
                found[("wikidata", entity.wikidata_id)] = entity
        names = {name for _, name in by_name}
        for entity in Entity.objects.filter(name_en__in=names):
            found.setdefault(("name", entity.type, entity.name_en), entity)
        creates, updates, seen = [], [], set()
        for _, fields in pending:
            identity = (
                ("wikidata", fields["wikidata_id"])
                if fields["wikidata_id"]
                else ("name", fields["type"], fields["name_en"])
            )
            entity = found.get(identity) or found.get(("name", fields["type"], fields["name_en"]))
            if identity in seen:
                continue
            seen.add(identity)
            values = {**fields, "search_text": search_text(fields), "updated_at": now}
            if entity is None:
                creates.append(Entity(**values))
            else:
                for key, value in values.items():
                    setattr(entity, key, value)
                updates.append(entity)
        Entity.objects.bulk_create(creates)
        if updates:
            Entity.objects.bulk_update(updates, [*FIELDS, "search_text", "updated_at"])
        if creates or updates:
            knowledge_base_changed()  # bulk writes send no signals
        summary.created += len(creates)
        summary.updated += len(updates)
        pending.clear()

    for number, data in records:
        try:
            if isinstance(data, Exception):
                raise data
            pending.append((number, clean_entity(data)))
        except InvalidEntity as error:
            summary.failed += 1
            summary.errors.append(f"line {number}: {error}")
            continue
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return summary
