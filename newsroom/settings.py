"""Settings for newsroom, driven by environment variables (see README)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("NEWSROOM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def read_local_env(path: Path) -> None:
    """Take KEY=VALUE lines from the local env file `scripts/run` writes; the environment wins.

    So that `manage.py` commands work as README prints them on a machine set up for
    development. A production host has no such file and must give SECRET_KEY itself.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (FileNotFoundError, NotADirectoryError):
        return
    for line in lines:
        name, sep, value = line.strip().partition("=")
        if sep and name and not name.startswith("#"):
            os.environ.setdefault(name.strip(), value.strip())


read_local_env(Path(os.environ.get("NEWSROOM_LOCAL_ENV", VAR_DIR / "local.env")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "insecure-development-key-set-SECRET_KEY-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    # Before django_tasks_db: articles' db_worker command extends django_tasks_db's.
    "articles",
    "articles.dashboard",
    "django_tasks",
    "django_tasks_db",
    "annotations",
    "csp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so that it also marks the answers middleware below gives (CSRF refusals).
    "newsroom.middleware.PrivateAPIResponsesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # CSP covers every response, axes' lockout page included; axes must come last.
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.comments.views.unread_mentions",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'newsroom.sqlite3'}"),
        # Persistent connections: a new PostgreSQL connection per request costs more CPU than
        # a segment save itself (bench/concurrency.py).
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# PostgreSQL through newsroom/postgresql: Django's backend, with a health check before each
# request's first query that asks the server only when its socket shows a message.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "newsroom.postgresql"
POSTGRESQL = DATABASES["default"]["ENGINE"] == "newsroom.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while a worker imports; the timeout rides out short write locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# The hot statements of a save and of reading one article (articles/rows.py) are kept prepared on
# each PostgreSQL connection: planned once, not at every run. The ORM's own queries bind on the
# client and are never prepared. DB_PREPARE=0 behind a pooler that cannot keep prepared
# statements (PgBouncer older than 1.21, or without max_prepared_statements).
if POSTGRESQL and env_bool("DB_PREPARE", True):
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 0
# DB_POOL=1: each process keeps a pool of PostgreSQL connections (psycopg_pool) that its threads
# share, instead of one persistent connection per thread; Django wants CONN_MAX_AGE 0 with it.
if env_bool("DB_POOL", False):
    if not POSTGRESQL:
        raise ImproperlyConfigured(
            "DB_POOL=1 pools PostgreSQL connections: set a postgres:// DATABASE_URL."
        )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", "1")),
        "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", "4")),
        # How long a request waits for a free connection before it fails.
        "timeout": int(os.environ.get("DB_POOL_TIMEOUT", "10")),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Tehran")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# The Persian web font comes from npm (package.json; installed by scripts/run, scripts/test and the
# Dockerfile) and is served from /static/vazirmatn/ like the project's own files.
VAZIRMATN_DIR = BASE_DIR / "node_modules" / "vazirmatn" / "fonts" / "webfonts"
if VAZIRMATN_DIR.is_dir():
    STATICFILES_DIRS.append(("vazirmatn", VAZIRMATN_DIR))
# Single files from node_modules (newsroom/finders.py): Chart.js's browser build draws the
# dashboard's charts, served from /static/chartjs/ like the project's own scripts.
NODE_MODULES_STATIC = [
    ("chartjs", "chart.js/dist/chart.umd.min.js"),
    ("chartjs", "chart.js/dist/chart.umd.min.js.map"),
]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "newsroom.finders.NodeModulesFinder",
]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "newsroom.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
# Uploads above this size are streamed to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
MAX_IMPORT_UPLOAD_BYTES = int(os.environ.get("MAX_IMPORT_UPLOAD_BYTES", str(200 * 1024 * 1024)))
# One imported record (a line, a JSON object, a CSV row, a txt/html file) may hold this much text.
MAX_RECORD_TEXT_BYTES = int(os.environ.get("MAX_RECORD_TEXT_BYTES", str(5 * 1024 * 1024)))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Machine translation. Argos reads ARGOS_PACKAGES_DIR when first imported, so the project's
# default is exported before any code imports it: `mt install` and Argos' own tools then agree.
ARGOS_PACKAGES_DIR = Path(os.environ.get("ARGOS_PACKAGES_DIR", VAR_DIR / "argos-packages"))
os.environ["ARGOS_PACKAGES_DIR"] = str(ARGOS_PACKAGES_DIR)
MT_SOURCE_LANGUAGE = "fa"
MT_TARGET_LANGUAGE = "en"
MT_BEAM_SIZE = int(os.environ.get("MT_BEAM_SIZE", "2"))
# Small batches: on a 2-core CPU with int8 weights, batches of 8 translated a transformer-base
# model faster than 32 (bench/mt.py) and kept the worker's peak memory near 450 MB, not 1.1 GB.
MT_BATCH_SIZE = int(os.environ.get("MT_BATCH_SIZE", "8"))
# One model replica per core, each single-threaded: many short segments parallelise best that way.
# sched_getaffinity is Linux's (the cores this process may use); elsewhere count them all.
CPU_CORES = (
    len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
)
MT_INTER_THREADS = int(os.environ.get("MT_INTER_THREADS", str(CPU_CORES)))
MT_INTRA_THREADS = int(os.environ.get("MT_INTRA_THREADS", "1"))
MT_COMPUTE_TYPE = os.environ.get("MT_COMPUTE_TYPE", "int8")
# Longer inputs are split at clause boundaries; Argos models are trained on sentences.
MT_MAX_INPUT_TOKENS = int(os.environ.get("MT_MAX_INPUT_TOKENS", "200"))
# Words holding an output token the model gave less than this probability are marked as the
# ones it was least sure of (the segment's mt_low_confidence).
MT_LOW_CONFIDENCE = float(os.environ.get("MT_LOW_CONFIDENCE", "0.2"))
# A worker that has not reported for this long is taken for dead and its tasks are run again.
WORKER_STALE_SECONDS = int(os.environ.get("WORKER_STALE_SECONDS", "30"))
WORKER_HEARTBEAT_SECONDS = int(os.environ.get("WORKER_HEARTBEAT_SECONDS", "5"))
# A task runs at most this many times: a run that stopped its worker or hit a passing database
# error counts; then it is failed, with the reason on its batch or article page.
TASK_MAX_ATTEMPTS = int(os.environ.get("TASK_MAX_ATTEMPTS", "2"))
# How long a task that hit a passing error (database locked, connection lost) waits to run again.
TASK_RETRY_DELAY_SECONDS = int(os.environ.get("TASK_RETRY_DELAY_SECONDS", "10"))
# Uploaded import files are deleted this many days after their import ended (the batch stays).
IMPORT_FILE_RETENTION_DAYS = int(os.environ.get("IMPORT_FILE_RETENTION_DAYS", "30"))

# REDIS_URL: one cache for every process, on every machine: throttle counts and the knowledge
# base's version (annotations/kb_version.py) are then shared. Without it each process keeps its
# own in memory, which is right for one process and what SQLite set-ups run.
REDIS_URL = os.environ.get("REDIS_URL", "")
SHARED_CACHE = bool(REDIS_URL)
if SHARED_CACHE:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Several deployments (or test runs) may share one Redis.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
            "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "newsroom.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's three, with a JSON parser that refuses bodies nested too deep (newsroom/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "newsroom.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "newsroom.schema.AutoSchema",
    # `?format=` names an export format (CONTRACT.md), not a DRF renderer.
    "URL_FORMAT_OVERRIDE": None,
    # Counts live in the default cache: per process, or shared by all when REDIS_URL is set.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("API_THROTTLE_USER_RATE", "2000/minute"),
        "anon": os.environ.get("API_THROTTLE_ANON_RATE", "60/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "newsroom API",
    "DESCRIPTION": "Persian→English news desk: articles, segments, imports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Ids in paths are integers (newsroom/converters.py); DRF's `.json` suffix routes stay out.
    "PATH_CONVERTER_OVERRIDES": {"id": int},
    "PREPROCESSING_HOOKS": ["drf_spectacular.hooks.preprocess_exclude_path_format"],
    "ENUM_NAME_OVERRIDES": {
        "ArticleStatusEnum": "articles.models.ArticleStatus.labels",
        "SegmentStatusEnum": "articles.models.SegmentStatus.labels",
        "ImportStatusEnum": "articles.models.ImportStatus.choices",
    },
}

# Production defaults assume HTTPS; plain-HTTP set-ups (docker-compose on localhost) turn them off.
_PRODUCTION = not DEBUG
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", _PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "3600" if _PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# HSTS for subdomains and the preload list are the domain owner's call, not the app's.
# The dashboard's covering indexes (INCLUDE) are PostgreSQL's; SQLite keeps their key columns.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021", "models.W040"]

# Hardening: a strict Content-Security-Policy, login lockout, API throttling.
# The admin needs nothing more; Swagger UI's view relaxes style-src with csp.decorators.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Axes first: it refuses locked-out credentials before ModelBackend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Django's test Client.login() calls authenticate() without a request, which axes refuses:
# tests that need it set AXES_ENABLED = False (force_login is unaffected).
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
# Locking by username and address together: one attacker cannot lock a colleague out from
# elsewhere, and one shared office address does not lock out everyone.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/login.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
