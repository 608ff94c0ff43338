"""`manage.py refresh_articles [--all]`: bring articles' search text, status and sort figures up
to date."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from articles.models import Article
from articles.refresh import refresh_due, refresh_in_chunks


class Command(BaseCommand):
    help = (
        "Refresh the search text, status and sort figures of articles whose segments were saved "
        "but not yet reflected in them (a process stopped between a save and its follow-up); "
        "task workers do this every heartbeat too. With --all, refresh every article."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="Refresh every article.")

    def handle(self, *args, all: bool, **options) -> None:
        if all:
            ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
            count = refresh_in_chunks(ids, due_only=False)
        else:
            count = refresh_due()
        self.stdout.write(f"refreshed {count} article{'s' if count != 1 else ''}")
