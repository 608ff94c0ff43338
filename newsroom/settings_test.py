"""Settings for the test suite: the project's own, with what a test run needs instead.

pytest points at this module (pyproject.toml); `manage.py`, the WSGI app and the processes tests
start use newsroom.settings as production does.
"""

import os

# The suite needs no configured secret; a real one in the environment still wins.
os.environ.setdefault("SECRET_KEY", "insecure-test-key-set-SECRET_KEY-in-production")

from newsroom.settings import *  # noqa: F403
from newsroom.settings import REST_FRAMEWORK, STORAGES

# Tasks run at once, inside the test, instead of waiting for a worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Static files without the manifest `collectstatic` would write.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The test client speaks plain HTTP.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0

# The suite makes many requests from one address and user within a minute.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"user": "100000/minute", "anon": "100000/minute"},
}
