"""Static files taken one by one from node_modules (package.json): a package's browser build,
not its whole folder. Chart.js ships some 5 MB of module sources and maps beside the one file
the dashboard loads."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage


class NodeModulesFinder(BaseFinder):
    """Serves each `(prefix, path under node_modules)` of NODE_MODULES_STATIC as
    `prefix/<file name>`."""

    def _files(self) -> dict[str, Path]:
        root = Path(settings.BASE_DIR) / "node_modules"
        return {
            f"{prefix}/{Path(source).name}": root / source
            for prefix, source in settings.NODE_MODULES_STATIC
        }

    def find(self, path: str, find_all: bool = False, **kwargs):
        source = self._files().get(path)
        found = str(source) if source is not None and source.is_file() else None
        if find_all:
            return [found] if found else []
        return found

    def list(self, ignore_patterns):
        for name, source in self._files().items():
            if source.is_file():
                storage = FileSystemStorage(location=source.parent)
                storage.prefix = name.rpartition("/")[0]
                yield source.name, storage
