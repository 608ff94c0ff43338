"""`manage.py purge_imports [--days N]`: delete uploaded import files past their retention."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.retention import purge_import_files


class Command(BaseCommand):
    help = (
        "Delete uploaded import files whose import ended more than IMPORT_FILE_RETENTION_DAYS "
        "days ago; the batches stay, with their counts and errors. Workers do this hourly too."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Keep files this many days (default {settings.IMPORT_FILE_RETENTION_DAYS}).",
        )

    def handle(self, *args, days: int | None, **options) -> None:
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more.", returncode=2)
        self.stdout.write(purge_import_files(days=days).line())
