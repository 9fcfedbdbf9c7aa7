"""Django settings, read from the environment with defaults that let a bare checkout run.

Environment:
- ``DATABASE_URL``: PostgreSQL (``postgres://user@host:5432/name``) or SQLite URL; when unset the
  embedded SQLite file ``LIANGFANG_DB`` (default ``var/liangfang.sqlite3``) is used.
- ``LIANGFANG_DEBUG``: ``true``/``false`` (default false).
- ``LIANGFANG_SECRET_KEY`` or ``LIANGFANG_SECRET_KEY_FILE``: required when DEBUG is off and
  ``LIANGFANG_ALLOWED_HOSTS`` names a non-local host; a local default is generated otherwise.
- ``LIANGFANG_ALLOWED_HOSTS``: comma-separated (default ``127.0.0.1,localhost``).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

import dj_database_url

from .private_files import private_folder, restrict_process, tighten, write_private

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("LIANGFANG_VAR", PROJECT_DIR / "var"))
# The database, the secret key and the cache hold people's data: files this process creates are
# its user's alone (liangfang/private_files.py).
restrict_process()


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean variable; only ``true`` and ``false`` are accepted."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("true", "1", "yes"):
        return True
    if raw.lower() in ("false", "0", "no"):
        return False
    raise ValueError(f"{name}={raw!r}: expected true or false")


def env_secret(name: str) -> str | None:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE``."""
    value = os.environ.get(name)
    if value:
        return value
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return None


def _local_secret() -> str:
    """A per-installation secret kept in var/, so sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    private_folder(VAR_DIR)
    if path.exists():
        tighten(path)
        return path.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(50)
    try:
        write_private(path, key)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="utf-8").strip()
    return key


DEBUG = env_bool("LIANGFANG_DEBUG", False)
SECRET_KEY = env_secret("LIANGFANG_SECRET_KEY") or _local_secret()
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("LIANGFANG_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "liangfang.accounts.admin_site.LocalAdminConfig",  # Django's admin: see LIANGFANG_ADMIN
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "liangfang.registry",
    "liangfang.assessments",
    "liangfang.accounts",
    "liangfang.web",
    "liangfang.plans",
    "liangfang.procedures",
    "liangfang.monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "liangfang.web.middleware.ChineseUnlessChosenMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "liangfang.web.middleware.SessionIdleTimeoutMiddleware",
    "liangfang.web.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "liangfang.urls"
WSGI_APPLICATION = "liangfang.wsgi.application"

TEMPLATES = [
    {
        # The pages (liangfang/web/jinja2/): see liangfang/web/jinja.py.
        "BACKEND": "liangfang.web.jinja.Jinja2",
        "NAME": "jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "liangfang.web.jinja.environment",
            "context_processors": ["django.contrib.messages.context_processors.messages"],
        },
    },
    {
        # Django's own templates (form widgets, admin-style views), if any are asked for.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
        if str(config.get("ENGINE", "")).endswith("postgresql"):
            # The planner's default random_page_cost (4) assumes spinning disks: on SSD or a cached
            # registry it walks 120,000 pairings instead of probing an index for a village's 1,000
            # households (29 ms → 1 ms). LIANGFANG_PG_RANDOM_PAGE_COST overrides; "" keeps the server's.
            options = dict(config.get("OPTIONS") or {})  # type: ignore[call-overload]
            cost = os.environ.get("LIANGFANG_PG_RANDOM_PAGE_COST", "1.1").strip()
            if cost:
                options["options"] = f"-c random_page_cost={float(cost)}"
            # Values sent apart from the SQL, and a statement run five times on a connection kept
            # prepared (Django turns psycopg's preparing off by default, for transaction-pooling
            # proxies such as PgBouncer): PostgreSQL then stops planning the pages' repeated reads,
            # which took 0.15-0.4 ms each against 0.01-0.05 ms to run. Behind such a proxy set
            # LIANGFANG_PG_PREPARE_THRESHOLD="" (never prepare).
            options["server_side_binding"] = env_bool("LIANGFANG_PG_SERVER_SIDE_BINDING", True)
            threshold = os.environ.get("LIANGFANG_PG_PREPARE_THRESHOLD", "5").strip()
            options["prepare_threshold"] = int(threshold) if threshold else None
            config["OPTIONS"] = options
            config.setdefault("TEST", {"NAME": os.environ.get("LIANGFANG_TEST_DB")} if
                              os.environ.get("LIANGFANG_TEST_DB") else {})
        return config
    db_path = Path(os.environ.get("LIANGFANG_DB", VAR_DIR / "liangfang.sqlite3"))
    if db_path.parent == VAR_DIR or not db_path.parent.exists():
        private_folder(db_path.parent)
    for suffix in ("", "-wal", "-shm"):
        tighten(Path(f"{db_path}{suffix}"))
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(db_path),
        "OPTIONS": {
            # WAL lets the web server read while a batch writes; IMMEDIATE avoids
            # "database is locked" upgrades in the middle of a write transaction.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;"
            ),
            "transaction_mode": "IMMEDIATE",
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's model backend; the session's user is read with kept SQL (liangfang/accounts/backends.py).
AUTHENTICATION_BACKENDS = ["liangfang.accounts.backends.AccountBackend"]

AUTH_PASSWORD_VALIDATORS = [  # all four of Django's: `user add`, `init` and the web apply them
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"

# Web accounts: failed log-ins per user name and address (and per address) within the window.
LIANGFANG_LOGIN_MAX_FAILURES = 5
LIANGFANG_LOGIN_MAX_FAILURES_PER_IP = 20
LIANGFANG_LOGIN_WINDOW_MINUTES = 15
# Searches by full resident ID per hour for a role shown masked IDs (liangfang/web/id_search.py).
LIANGFANG_ID_SEARCHES_PER_HOUR = int(os.environ.get("LIANGFANG_ID_SEARCHES_PER_HOUR", 30))
# Django's admin (/admin/): off unless LIANGFANG_ADMIN=true, and then for a superuser on this machine only.
LIANGFANG_ADMIN = env_bool("LIANGFANG_ADMIN", False)
LIANGFANG_SESSION_IDLE_SECONDS = int(os.environ.get("LIANGFANG_SESSION_IDLE_SECONDS", 1800))
# Dashboard figures are recomputed after a registry change at most this often.
# Procedures: the largest attachment accepted, and the processes laying out a long PDF (0: the cores, at most 4).
LIANGFANG_ATTACHMENT_MAX_BYTES = int(os.environ.get("LIANGFANG_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
LIANGFANG_PDF_WORKERS = int(os.environ.get("LIANGFANG_PDF_WORKERS", 0))

# A cache shared by every server process (dashboard figures, filter choices, sessions), in var/;
# keys are prefixed with the database's identity so two databases never share an entry.
CACHES = {
    "default": {
        "BACKEND": "liangfang.cache.FileCache",  # Django's file cache, culled less often
        "LOCATION": str(VAR_DIR / "cache"),
        "TIMEOUT": 3600,
        "KEY_PREFIX": hashlib.sha1(
            f"{DATABASES['default']['ENGINE']}|{DATABASES['default'].get('HOST', '')}|"
            f"{DATABASES['default']['NAME']}".encode()).hexdigest()[:12],
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }
}

# Sessions are kept in the database and read through the cache (one query less per page).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Behind HTTPS (set LIANGFANG_HTTPS=true): cookies only over TLS, and tell browsers to stay on it.
if env_bool("LIANGFANG_HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Imports: bounds checked before a file is read (registry/importers/limits.py; README, configuration).
LIANGFANG_IMPORT_MAX_BYTES = int(os.environ.get("LIANGFANG_IMPORT_MAX_BYTES", 200 << 20))
LIANGFANG_IMPORT_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("LIANGFANG_IMPORT_MAX_UNCOMPRESSED_BYTES", 2 << 30))
LIANGFANG_IMPORT_MAX_RATIO = int(os.environ.get("LIANGFANG_IMPORT_MAX_RATIO", 200))
LIANGFANG_IMPORT_MAX_ROWS = int(os.environ.get("LIANGFANG_IMPORT_MAX_ROWS", 1_000_000))
LIANGFANG_IMPORT_MAX_COLUMNS = int(os.environ.get("LIANGFANG_IMPORT_MAX_COLUMNS", 256))
LIANGFANG_IMPORT_MAX_CELL_CHARS = int(os.environ.get("LIANGFANG_IMPORT_MAX_CELL_CHARS", 32_767))
