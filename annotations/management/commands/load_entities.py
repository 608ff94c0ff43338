"""`manage.py load_entities PATH.jsonl`: upsert knowledge-base entities."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from annotations.kb import read_jsonl, upsert_entities
from annotations.models import Entity
from annotations.tasks import refresh_suggestions


class Command(BaseCommand):
    help = (
        "Create or update knowledge-base entities from a JSON Lines file (one entity a line: "
        "name_en, name_fa, type, aliases_en, aliases_fa, wikidata_id). Exit 1 if some failed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, metavar="PATH.jsonl")

    def handle(self, *args, path: Path, **options) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        try:
            with transaction.atomic():
                summary = upsert_entities(Entity, read_jsonl(path))
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not UTF-8 text", returncode=2) from None
        for error in summary.errors:
            self.stderr.write(f"failed: {error}")
        self.stdout.write(summary.line())
        if summary.created or summary.updated:
            transaction.on_commit(refresh_suggestions.enqueue)
        if summary.failed:
            sys.exit(1)
