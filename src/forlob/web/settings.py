"""Django settings of the clinic app, all from the environment.

- `FORLOB_DATA_DIR` (default `./var`): SQLite database (WAL mode), collected static files.
- `FORLOB_DATABASE_URL`: `postgresql://…` switches to PostgreSQL.
- `FORLOB_DEMO=1`: demo mode (a fixed development secret key is allowed, demo data is created).
- `FORLOB_SECRET_KEY`: required when not in demo mode.
- `FORLOB_ALLOWED_HOSTS` (comma-separated), `FORLOB_SECURE_COOKIES` (default on outside demo
  mode), `FORLOB_DEBUG`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from forlob.web.envflags import flag

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("FORLOB_DATA_DIR", "var")).resolve()
TESTING = "pytest" in sys.modules or os.environ.get("FORLOB_TESTING") == "1"
DEMO = flag("FORLOB_DEMO", default=False) or TESTING
DEBUG = flag("FORLOB_DEBUG", default=False)

_secret = os.environ.get("FORLOB_SECRET_KEY", "")
if not _secret:
    if not DEMO:
        raise ImproperlyConfigured(
            "FORLOB_SECRET_KEY must be set (or FORLOB_DEMO=1 for the demo with its fixed key)"
        )
    _secret = "forlob-demo-only-not-secret-" + "x" * 32
SECRET_KEY = _secret

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "FORLOB_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver" if DEMO else ""
    ).split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("FORLOB_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

SECURE = flag("FORLOB_SECURE_COOKIES", default=not DEMO)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 10  # a working day
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if SECURE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "forlob.web.apps.ForlobWebConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "forlob.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "forlob.web.urls"
WSGI_APPLICATION = "forlob.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "forlob.web.access.clinic_context",
            ],
        },
    },
]

_db_url = os.environ.get("FORLOB_DATABASE_URL", "")
if _db_url:
    DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "forlob.sqlite3"),
            # WAL lets readers go on while a clinician saves
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        # shared between the server's worker processes, so the login rate limit holds
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
    }
}
if TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "worklist"
LOGOUT_REDIRECT_URL = "login"

# Danish by default; English selectable. Dates are shown Danish style (22.11.2026) in both.
LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["forlob.web.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Copenhagen"

STATIC_URL = "/static/"
STATIC_ROOT: Path | None = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if TESTING:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    STATIC_ROOT = None  # tests serve from the app's static folder, nothing is collected
WHITENOISE_USE_FINDERS = TESTING

EMAIL_BACKEND = os.environ.get(
    "FORLOB_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEMO
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("FORLOB_FROM_EMAIL", "forlob@localhost")

# The patient's questionnaire link: valid this many days, used once.
QUESTIONNAIRE_LINK_DAYS = int(os.environ.get("FORLOB_QUESTIONNAIRE_LINK_DAYS", "14"))
# Failed logins allowed per username and per client address in a window; counted from the
# audit log, so every server process sees the same count (views/auth.py).
LOGIN_ATTEMPTS_PER_WINDOW = 5
LOGIN_WINDOW_SECONDS = 15 * 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # request logs carry no patient data: URLs hold only ids and one-time tokens are not
    # logged by gunicorn's access log format (see forlob.web.serve)
    "root": {"handlers": ["console"], "level": "WARNING"},
}
