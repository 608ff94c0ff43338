"""Static files as production serves them: names carry a hash of the content, and each of the
project's own scripts has its `import ... from "./desk.js"` rewritten to the hashed name as well,
so a page never pairs a new script with a browser's cached copy of an older shared module.

Only the project's scripts (js/) are rewritten: third-party ones, such as django-htmx's
extensions, import names that are not files.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    _, _import_patterns = (
        CompressedManifestStaticFilesStorage._js_module_import_aggregation_patterns
    )
    patterns = (*CompressedManifestStaticFilesStorage.patterns, ("js/*.js", _import_patterns))
