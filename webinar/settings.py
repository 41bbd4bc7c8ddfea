"""Settings for the webinar application: one module, read from the environment.

With nothing set, the application runs on embedded defaults (SQLite under ``var/``, the kombu
filesystem broker, files under ``var/media/``). Production sets ``DATABASE_URL``,
``CELERY_BROKER_URL`` (or ``REDIS_URL``), ``SECRET_KEY`` and ``ALLOWED_HOSTS``; what is missing or
malformed there is reported by the system checks in ``webinar/checks.py`` at start.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))


def _embedded_secret_key() -> str:
    """A development key kept under var/ so that logins survive a restart of ``make run``."""
    path = VAR_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


SECRET_KEY = env.str("SECRET_KEY", default="")
# Production without a key must not start; webinar.E001 says so. Until the check runs, a random
# per-process key keeps Django importable (nothing signed with it survives a restart).
SECRET_KEY_MISSING = not SECRET_KEY
if SECRET_KEY_MISSING:
    SECRET_KEY = _embedded_secret_key() if DEBUG else secrets.token_urlsafe(50)

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, which it extends
    "webinar.admin_site.WebinarAdminConfig",  # django.contrib.admin, with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "django_countries",
    "webinar",
    "registration",
    "sessions.apps.AgendaConfig",
    "reports",
    "certificates",
    "delegations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "webinar.urls"
WSGI_APPLICATION = "webinar.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if not env.str("DATABASE_URL", default=""):
    # The embedded database lives under var/, which a fresh clone does not have yet: SQLite
    # cannot create the folder ("unable to open database file" at the first migrate).
    VAR_DIR.mkdir(parents=True, exist_ok=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at the
    # start of a transaction, which is how writers are serialised where select_for_update
    # does nothing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "webinar.User"

# --- Cache ----------------------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
# Like the broker's transport options: a Redis that accepts and never answers must not hang a
# request. The cache fails open (webinar/cache.py): with Redis down, pages are served uncached
# and rate limits are off, with a warning in the log.
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
if env.str("CACHE_URL", default=""):
    CACHES = {"default": env.cache_url("CACHE_URL")}
elif REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "webinar.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The outbox's wake flag (registration/services/outbox.py) spares a Celery message per mail only
# where the web processes and the worker see one cache; a per-process cache queues one per mail.
OUTBOX_WAKE_SHARED = CACHES["default"]["BACKEND"].rsplit(".", 1)[-1] not in {
    "LocMemCache",
    "DummyCache",
}

# --- Accounts (django-allauth 65) -----------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# A password reset for an address nobody registered sends nothing (the page answers the same):
# otherwise anyone could make the site mail "unknown account" to any address.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# Proxies in front of gunicorn that append to X-Forwarded-For (docker-compose.yml: one). The
# client address of every rate limit (allauth's and the sign-up form's) is read from it.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
LOGIN_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("ar", _("Arabic"))]
LOCALE_PATHS = [Path(env.str("LOCALE_DIR", default=str(BASE_DIR / "locale")))]
# Content (event, session, speaker texts) is entered per language; a reader whose language is
# missing sees another one, marked as such (webinar/templatetags/content_i18n.py).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = tuple(code for code, _name in LANGUAGES)
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files and storage ---------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Storage folders the web process serves to anyone under MEDIA_URL (webinar.views.public_media):
# speaker photos and session materials. Report PDFs and other uploads are never among them.
PUBLIC_MEDIA_PREFIXES = ["agenda/people/", "agenda/materials/"]
PUBLIC_MEDIA_MAX_AGE = env.int("PUBLIC_MEDIA_MAX_AGE", default=86_400)

STORAGES = {
    "default": {
        "BACKEND": env.str(
            "FILE_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
        ),
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}

# --- Email ----------------------------------------------------------------------------------

if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
    )
# An SMTP server that stalls must not hold a worker for ever; the outbox lease outlasts it.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webinars@localhost")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- Celery ---------------------------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_FILESYSTEM_DIR = VAR_DIR / "celery"
# Without socket timeouts a Redis that accepts but never answers makes .delay() hang forever.
# The visibility timeout must outlast the longest task (REPORT_BUILD_TIME_LIMIT) or an
# unacknowledged build would be delivered a second time while the first still runs.
REDIS_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 5,
    "socket_connect_timeout": 3,
    "visibility_timeout": 3600,
    "max_retries": 1,
}
# The filesystem transport needs its folders to exist (webinar.celery makes them); in and out
# are one folder so that the web process and the worker see the same queue.
FILESYSTEM_BROKER_TRANSPORT_OPTIONS = {
    "data_folder_in": str(CELERY_FILESYSTEM_DIR / "queue"),
    "data_folder_out": str(CELERY_FILESYSTEM_DIR / "queue"),
    "control_folder": str(CELERY_FILESYSTEM_DIR / "control"),
    "processed_folder": str(CELERY_FILESYSTEM_DIR / "processed"),
    "store_processed": False,
    "polling_interval": 0.5,
}
CELERY_BROKER_TRANSPORT_OPTIONS = (
    FILESYSTEM_BROKER_TRANSPORT_OPTIONS
    if CELERY_BROKER_URL.startswith("filesystem://")
    else REDIS_BROKER_TRANSPORT_OPTIONS
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True  # the database keeps every outcome that matters
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# WeasyPrint does not give memory back to the OS: recycle worker processes.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=20)
# In KiB. A 2,000-participant report peaks near 200 MB (bench/bench_report.py): a child that
# kept more than 350 MB after a task is replaced before it takes the next build.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=350_000)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "registration-sweep-outbox": {
        "task": "registration.sweep_outbox",
        "schedule": 60.0,
    },
    "reports-sweep-builds": {
        "task": "reports.sweep_builds",
        "schedule": 60.0,
    },
    "certificates-sweep-batches": {
        "task": "certificates.sweep_batches",
        "schedule": 60.0,
    },
    "registration-schedule-reminders": {
        "task": "registration.schedule_reminders",
        "schedule": 300.0,
    },
    "delegations-schedule-reminders": {
        "task": "delegations.schedule_reminders",
        "schedule": 900.0,
    },
    "registration-anonymise-expired": {
        "task": "registration.anonymise_expired",
        "schedule": 86400.0,
    },
}

# Report builds: soft limit lets the task record why it stopped; the hard limit kills it.
REPORT_BUILD_SOFT_TIME_LIMIT = env.int("REPORT_BUILD_SOFT_TIME_LIMIT", default=600)
REPORT_BUILD_TIME_LIMIT = env.int("REPORT_BUILD_TIME_LIMIT", default=660)
# A running build writes a heartbeat; one silent this long lost its worker and is retried.
REPORT_BUILD_HEARTBEAT_SECONDS = env.int("REPORT_BUILD_HEARTBEAT_SECONDS", default=10)
REPORT_BUILD_STALE_SECONDS = env.int("REPORT_BUILD_STALE_SECONDS", default=90)
REPORT_BUILD_REQUEUE_SECONDS = env.int("REPORT_BUILD_REQUEUE_SECONDS", default=120)
# Archival and tagged PDF (PDF/A-3a: embedded fonts, Unicode text, structure tags that screen
# readers and text search follow, the document language); empty for a plain PDF.
REPORT_PDF_VARIANT = env.str("REPORT_PDF_VARIANT", default="pdf/a-3a")

# --- Certificates ---------------------------------------------------------------------------

# Tagged and archival: a ministry files the certificate; a screen reader reads it.
CERTIFICATE_PDF_VARIANT = env.str("CERTIFICATE_PDF_VARIANT", default="pdf/a-3a")
# Certificates rendered between two progress writes (and per database transaction).
CERTIFICATE_BATCH_SIZE = env.int("CERTIFICATE_BATCH_SIZE", default=50)
# 2,000 certificates: 496 s with a quarter of a core, 128 MB (bench/bench_certificates.py).
CERTIFICATE_BATCH_SOFT_TIME_LIMIT = env.int("CERTIFICATE_BATCH_SOFT_TIME_LIMIT", default=1800)
CERTIFICATE_BATCH_TIME_LIMIT = env.int("CERTIFICATE_BATCH_TIME_LIMIT", default=1860)
CERTIFICATE_BATCH_STALE_SECONDS = env.int("CERTIFICATE_BATCH_STALE_SECONDS", default=120)
# Verification page look-ups per client address per 10 minutes.
CERTIFICATE_VERIFY_RATE_LIMIT = env.int("CERTIFICATE_VERIFY_RATE_LIMIT", default=60)

# --- Registration ---------------------------------------------------------------------------

# The public address, for links in mails (self-service pages, shared reports). Production
# must set it, or mails carry localhost links.
# The name organisers see in the admin's header (default: a translated "Policy webinars").
SITE_NAME = env.str("SITE_NAME", default="")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
REGISTRATION_REMINDER_OFFSETS_HOURS = env.list(
    "REGISTRATION_REMINDER_OFFSETS_HOURS", cast=float, default=[24, 1]
)
# Reminders to focal points who have not filled their quota, this long before the deadline.
DELEGATION_REMINDER_OFFSETS_HOURS = env.list(
    "DELEGATION_REMINDER_OFFSETS_HOURS", cast=float, default=[72, 24]
)
REGISTRATION_LINK_MAX_AGE_DAYS = env.int("REGISTRATION_LINK_MAX_AGE_DAYS", default=180)
REGISTRATION_RETENTION_DAYS = env.int("REGISTRATION_RETENTION_DAYS", default=730)
# Sign-up attempts per client address per 10 minutes (a shared cache makes it global). A
# ministry's staff often share one public address: 50 colleagues must fit in one window.
REGISTRATION_RATE_LIMIT = env.int("REGISTRATION_RATE_LIMIT", default=100)

# --- Security -------------------------------------------------------------------------------

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # probes speak plain HTTP inside the network
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# The language choice is read by the server only: same flags as the session cookie.
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Scripts only from our own origin: no inline script anywhere, so injected markup cannot run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # The admin's templates carry a few inline style attributes; styles cannot run code.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])

# --- Logging --------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        # "No hostname was supplied" on every connection of the filesystem broker.
        "kombu.connection": {"level": "ERROR"},
    },
}
