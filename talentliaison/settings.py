"""Settings for the talent liaison system, driven by environment variables.

With nothing set the site runs for development: a SQLite file beside manage.py, Celery tasks run
eagerly, e-mail goes to the console. Setting ALLOWED_HOSTS with DEBUG off turns on the production
profile (secure cookies, HSTS, SSL redirect), which passes ``manage.py check --deploy``.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# Known to everyone who reads this file: accounts.checks refuses it in production.
DEV_SECRET_KEY = "django-insecure-dev-only-talentliaison-do-not-use-in-production"  # noqa: S105

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default=DEV_SECRET_KEY)
# Personal data at rest (accounts.fields): AES-256-GCM keys, 32 bytes in URL-safe base64. The key
# encrypts; FIELD_ENCRYPTION_OLD_KEYS only decrypt, while `manage.py reencrypt_personal_data` rotates.
# FIELD_HASH_KEY keys the ID-number hashes (lookup, de-duplication). Unset: derived from SECRET_KEY,
# for development only (accounts.checks refuses it in production).
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY", default="")
FIELD_ENCRYPTION_OLD_KEYS = env.list("FIELD_ENCRYPTION_OLD_KEYS", default=[])
FIELD_HASH_KEY = env("FIELD_HASH_KEY", default="")
# An explicit host list is what a real deployment has and a developer's machine does not.
PRODUCTION = "ALLOWED_HOSTS" in env.ENVIRON and not DEBUG
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "accounts",
    "talents",
    "liaison",
    "activities",
    "maps",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "treebeard",
    "auditlog",
    "axes",
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
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "accounts.middleware.SecurityHeadersMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.RequiredStepMiddleware",
    # Last, as django-axes asks: it turns a lock-out raised by the backend into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "talentliaison.urls"

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
                "accounts.context_processors.roles",
                "liaison.context_processors.notifications",
            ],
        },
    },
]

WSGI_APPLICATION = "talentliaison.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Covering indexes (INCLUDE) are a PostgreSQL optimisation; SQLite, for the demo, builds them without
# their non-key columns, which is all that warning says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A connection dropped by PostgreSQL is noticed before a request uses it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compiling added 80-130 ms to the compliance queries and saved nothing on pages of a few
    # hundred rows (docs/PERFORMANCE.md); set per connection, so no server setting is needed.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "accounts.validators.PasswordHistoryValidator", "OPTIONS": {"keep": 5}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# django-axes checks every login first; it refuses a locked-out username or address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Its defaults lock an account for ever after 3 failures: say every rule. 5 failures lock that
# username, and separately that address (either is enough), for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Masked in the failure records axes keeps: the one-time and recovery codes of the second step.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
# The client's address: REMOTE_ADDR, or behind nginx the last hop of X-Forwarded-For that it adds;
# never a header a client could forge.
if env.bool("BEHIND_PROXY", default=False):
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
# Sessions end after 30 idle minutes (each request renews the cookie) and 12 hours after login
# (accounts.middleware.SessionLifetimeMiddleware).
SESSION_COOKIE_AGE = 30 * 60
SESSION_MAX_LIFETIME = 12 * 60 * 60

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names need collectstatic, which a deployment runs and a developer need not.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if "EMAIL_HOST" in env.ENVIRON
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# A hung mail server must not hold a delivery past its lease (DELIVERY_LEASE_SECONDS).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Used to put full links in e-mails and group-robot messages, e.g. https://rencai.example.gov.cn
SITE_URL = env("SITE_URL", default="")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="人才联系服务管理系统 <noreply@localhost>")

# Celery: Redis when configured; otherwise every task runs in the calling process.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
# A page queues its sending after the commit; with Redis down or silent it must give up within
# seconds (the rows wait in PostgreSQL for the pick-up), never hang: short connect and socket
# timeouts, one quick publish retry.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 10
# An unacknowledged task (its worker died) is handed out again after visibility_timeout seconds;
# longer than any retry countdown, so a waiting retry is never run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=7200),
    "socket_connect_timeout": 2,
    "socket_timeout": 3,
}
# A delivery claimed by a worker that then died is claimed again after this lease; far longer than
# a send may take (10 s webhook and e-mail timeouts). Unclaimed ones are picked up after a minute.
# Uploaded Excel files (whole ID numbers inside) are deleted this many days after their import.
IMPORT_FILE_RETENTION_DAYS = env.int("IMPORT_FILE_RETENTION_DAYS", default=30)
DELIVERY_LEASE_SECONDS = env.int("DELIVERY_LEASE_SECONDS", default=600)
DELIVERY_PICKUP_AFTER_SECONDS = env.int("DELIVERY_PICKUP_AFTER_SECONDS", default=60)
# Daily sweeps at fixed Shanghai times; each catches up on missed days and is idempotent.
CELERY_BEAT_SCHEDULE = {
    "daily-sweeps": {"task": "liaison.tasks.run_daily_sweeps", "schedule": crontab(hour=6, minute=30)},
    "send-pending": {"task": "liaison.tasks.send_pending", "schedule": crontab(minute="*/5")},
}
if env("CELERY_PICKUP_EVERY", default=""):
    # Seconds between pick-ups of unsent deliveries instead of five minutes: for the fault tests.
    CELERY_BEAT_SCHEDULE["send-pending"]["schedule"] = env.float("CELERY_PICKUP_EVERY")
if env("CELERY_SWEEP_EVERY", default=""):
    # Seconds between sweeps instead of once a day: for trying a deployment (the topology test), never
    # for production; each sweep is idempotent, so running it often only costs time.
    CELERY_BEAT_SCHEDULE["daily-sweeps"]["schedule"] = env.float("CELERY_SWEEP_EVERY")

if PRODUCTION:
    # Cookies go over HTTPS only. A plain-HTTP trial on one machine (deploy/run-production.sh in the
    # topology test) sets SECURE_COOKIES=false; `check --deploy` then warns, as it should.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if env.bool("BEHIND_PROXY", default=False):
        # nginx terminates TLS and says so in this header; it must strip any client-sent copy.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not SECURE_SSL_REDIRECT:
        # The operator has said the proxy in front redirects plain HTTP.
        SILENCED_SYSTEM_CHECKS += ["security.W008"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Sent by accounts.middleware.SecurityHeadersMiddleware: only the site's own files, no inline code.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
