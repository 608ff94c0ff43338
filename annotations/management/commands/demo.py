"""`manage.py demo`: the embedded default's demo data and a login to print.

It lives in annotations because it runs both apps' work: the import, then the suggestions.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from annotations.suggestions import suggest_for_article
from articles.import_runs import run_batch
from articles.importers.source import ImportSource
from articles.models import Article, ImportBatch


def seed_path() -> Path:
    return Path(apps.get_app_config("articles").path) / "demo" / "seed_article.txt"


class Command(BaseCommand):
    help = "Create a demo admin (password kept in var/demo-login.txt) and import the demo article."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, username: str, url: str, **options) -> None:
        login_file = Path(settings.VAR_DIR) / "demo-login.txt"
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None or not login_file.exists():
            password = secrets.token_urlsafe(12)
            if user is None:
                user = User.objects.create_superuser(username, f"{username}@example.com", password)
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            login_file.parent.mkdir(parents=True, exist_ok=True)
            login_file.write_text(f"{username}\n{password}\n", encoding="utf-8")
            login_file.chmod(0o600)
        password = login_file.read_text(encoding="utf-8").splitlines()[1]

        seed = seed_path()
        batch = ImportBatch.objects.create(filename=seed.name, created_by=user)
        summary = run_batch(batch=batch, sources=[ImportSource.from_path(seed)])
        self.stdout.write(f"Demo article: {summary.line()}")
        # Knowledge-base names in the Persian show at once; the English waits for a real model.
        for article_id in Article.objects.filter(import_batch=batch).values_list("pk", flat=True):
            suggest_for_article(article_id=article_id)
        self.stdout.write(self.style.SUCCESS(f"Log in at {url} as {username} / {password}"))
