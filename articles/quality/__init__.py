"""Quality checks of a translation against its Persian source, each a small function.

A check reads a source and a target and returns findings: its name, a one-line message for the
editor and, where it applies to particular words, the code-point span in the target. The checks
here know nothing of the knowledge base; another app adds its own through `register`.
"""

from articles.quality import checks as _builtin  # noqa: F401  (registers the built-in checks)
from articles.quality.base import Context, Finding, check_names, register, run_checks

__all__ = ["Context", "Finding", "check_names", "register", "run_checks"]
