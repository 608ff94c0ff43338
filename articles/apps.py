from pathlib import Path

from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from articles import deferred

        _ensure_sqlite_directory()
        deferred.connect()


def _ensure_sqlite_directory() -> None:
    """SQLite creates its file but not the folder: make `var/` for the embedded default."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    name = str(database.get("NAME") or "")
    in_memory = name.startswith(":memory:") or "mode=memory" in name
    if database["ENGINE"].endswith("sqlite3") and name and not in_memory:
        Path(name).parent.mkdir(parents=True, exist_ok=True)
