#!/usr/bin/env python
"""Django's command-line utility for newsroom."""

import atexit
import gc
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    from django.core.management import execute_from_command_line

    # On its way out Python runs full garbage collections over every object a command loaded:
    # 0.3-0.4 s after Django's setup alone, a tenth of an import's time. Frozen by the last exit
    # handler (handlers run last registered first), they are skipped; the memory goes back to
    # the system with the process, and objects outside reference cycles are still freed.
    atexit.register(gc.freeze)
    _set_up_without_collections()
    execute_from_command_line(sys.argv)


def _set_up_without_collections() -> None:
    """Load the apps (what `execute_from_command_line` does first) with the garbage collector
    off, then freeze what they made: the collections that Django's set-up would run over its own
    132,000 objects are skipped, and so are those objects in every collection after it.

    Not for `runserver`, whose reloader shows an app's error itself, nor when the command line
    names its own settings or path (`execute_from_command_line` applies them before it sets up);
    a project that cannot be set up is reported by `execute_from_command_line` as before.
    """
    if sys.argv[1:2] == ["runserver"] or any(
        arg.startswith(("--settings", "--pythonpath")) for arg in sys.argv[1:]
    ):
        return
    import django
    from django.core.exceptions import ImproperlyConfigured

    gc.disable()
    try:
        django.setup()
    except ImproperlyConfigured:
        pass
    finally:
        gc.freeze()
        gc.enable()


if __name__ == "__main__":
    main()
