"""Settings shared by every environment, read from the environment with django-environ.

Integrations switch on the presence of their URL, never on DEBUG: with nothing set the
project runs embedded (SQLite, local-memory cache, eager Celery, in-memory channel layer,
console email); ``DATABASE_URL`` and ``REDIS_URL`` move it onto PostgreSQL and Redis.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    env.read_env(str(env_file))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Icons (inline SVG template tag) and the favicon: the Lucide set from PyPI, no CDN.
    "lucide",
    "rest_framework",
    "rest_framework_simplejwt",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_celery_results",
    "django_celery_beat",
    "accounts",
    "catalog",
    "requests_app",
    "reviews",
    "exports",
    "tracking",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the language cookie (the switcher), else the browser's Accept-Language ...
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # ... and over both, a logged-in user's own choice, kept on their profile.
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "householdsvc.urls"
WSGI_APPLICATION = "householdsvc.wsgi.application"
ASGI_APPLICATION = "householdsvc.asgi.application"

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

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Connections are checked before use, so a restarted server is survived: with the pool,
    # Django passes psycopg_pool.ConnectionPool.check_connection as the pool's `check`.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env.bool("DJANGO_DB_POOL", default=True):
        # Under ASGI each request runs its sync code in a thread of its own, so a persistent
        # connection (CONN_MAX_AGE > 0) is opened per request and never reused until the
        # server runs out of connections. A pool per process hands each request a connection
        # that is already open and takes it back at the end. Django refuses a pool together
        # with persistent connections, hence CONN_MAX_AGE 0.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DJANGO_DB_POOL_MIN", default=2),
            "max_size": env.int("DJANGO_DB_POOL_MAX", default=8),
            # Seconds a request waits for a free connection before it fails.
            "timeout": env.float("DJANGO_DB_POOL_TIMEOUT", default=10.0),
        }
    else:
        # Persistent connections, for processes whose threads live long: WSGI, and Celery's
        # prefork workers, which must not inherit a pool's sockets and threads across fork.
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, Celery broker, channel layer ---------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("DJANGO_CACHE_PREFIX", default="hs"),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            # Redis PUBLISH per group message (one command, whatever the number of watchers),
            # rather than the core layer's copy into every member channel's list.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                # channels-redis waits for a message with a blocking read of up to 5 s; redis-py
                # 8.1 also times reads out at 5 s by default, which would drop every WebSocket
                # idle for 5 s. The socket timeout must stay above the blocking read.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 15}],
                "prefix": env("DJANGO_CHANNELS_PREFIX", default="hs"),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
# Without a broker the embedded default runs tasks in-process, right away.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
# A task acked late must outlive the visibility timeout, or Redis redelivers it mid-run.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}

# --- Auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# The email is unique case-insensitively (a UniqueConstraint on Lower("email")), which the
# check behind auth.W004 cannot see.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
AUTHENTICATION_BACKENDS = ["accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- I18N -----------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# English and Hindi, each in its own language in the switcher. Dates and numbers follow the
# active language (Django's formats); money through Babel with Indian digit grouping.
LANGUAGES = [("en-gb", "English"), ("hi", "हिन्दी")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("DJANGO_TIME_ZONE", default="Asia/Kolkata")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").exists() else []
MEDIA_URL = "media/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Verification documents and export files never sit under MEDIA_ROOT: they have no public
# URL and are served only by views that check who asks.
PRIVATE_MEDIA_ROOT = env("DJANGO_PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Email ----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="householdsvc <noreply@householdsvc.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- REST API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # simplejwt's, telling a blocked user why their token is refused.
        "accounts.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # orjson renders a page of rows several times faster than the json module; same JSON.
    "DEFAULT_RENDERER_CLASSES": [
        "drf_orjson_renderer.renderers.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "householdsvc.core.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "householdsvc.schema.AutoSchema",
    "EXCEPTION_HANDLER": "householdsvc.core.api.exception_handler",
    # How many proxies stand in front (a load balancer: 1). Throttles key on the client address
    # they read from X-Forwarded-For that deep; with None, DRF took the whole header, which a
    # client sets at will, so each made-up value was a fresh allowance.
    "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES", default=0),
    "DEFAULT_THROTTLE_RATES": {
        "login": env("DJANGO_THROTTLE_LOGIN", default="10/min"),
        "register": env("DJANGO_THROTTLE_REGISTER", default="5/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "AUTH_HEADER_TYPES": ("Bearer",),
    # Checked on every request, so a user blocked after the token was issued is refused.
    "USER_AUTHENTICATION_RULE": "rest_framework_simplejwt.authentication.default_user_authentication_rule",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "householdsvc API",
    "DESCRIPTION": "Household services and roadside assistance: customers, professionals, admins.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI from the drf-spectacular-sidecar package: the docs page needs no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Stable enum names where two choice sets share a field name ("role", "kind").
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "accounts.models.Role",
        "SignUpRoleEnum": ["customer", "professional"],
        "ServiceKindEnum": "catalog.models.ServiceKind",
        "VerificationStatusEnum": "accounts.models.VerificationStatus",
        "RequestStatusEnum": "requests_app.models.Status",
        "ExportKindEnum": "exports.models.ExportKind",
        "ExportStatusEnum": "exports.models.ExportStatus",
    },
}

# --- Domain ---------------------------------------------------------------------------
DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
EXPORT_RETENTION_DAYS = env.int("EXPORT_RETENTION_DAYS", default=7)
# Tracking points older than this are deleted every night (the latest position stays on the
# professional's profile).
LOCATION_RETENTION_DAYS = env.int("LOCATION_RETENTION_DAYS", default=90)
# Where links in emails (export finished, reminders, monthly reports) point.
SITE_URL = env("DJANGO_SITE_URL", default="http://127.0.0.1:8000")
REVIEW_EDIT_WINDOW_DAYS = 7
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=60)
# The public cache (householdsvc/core/cache.py): how long browsers and shared caches may keep an
# anonymous catalogue answer without asking again, and how long Redis keeps one.
PUBLIC_CACHE_MAX_AGE = env.int("PUBLIC_CACHE_MAX_AGE", default=10)
PUBLIC_CACHE_TTL = env.int("PUBLIC_CACHE_TTL", default=300)
# The one currency of every price: shown on the pages and e-mails, and charged through Stripe.
# Rupees by default, as pin codes are Indian.
CURRENCY = env("DJANGO_CURRENCY", default="INR").upper()

# --- Schedule (requests_app.schedule) -------------------------------------------------
# Bookable start times are this many minutes apart, counted from local midnight.
SLOT_STEP_MINUTES = env.int("SLOT_STEP_MINUTES", default=30)
# How far ahead a household job may be booked.
BOOKING_HORIZON_DAYS = env.int("BOOKING_HORIZON_DAYS", default=14)
# Cancelling an assigned job is free until this many hours before its slot; after that (or once
# the professional is on the way) it costs CANCEL_FEE_PERCENT of the estimate, at least the minimum.
CANCEL_FREE_HOURS = env.int("CANCEL_FREE_HOURS", default=24)
# A customer may move a booking until this many hours before it.
RESCHEDULE_CUTOFF_HOURS = env.int("RESCHEDULE_CUTOFF_HOURS", default=12)
CANCEL_FEE_PERCENT = Decimal(env("CANCEL_FEE_PERCENT", default="20"))
CANCEL_FEE_MIN = Decimal(env("CANCEL_FEE_MIN", default="100.00"))

# `manage.py load_demo_data` (make run): each app's idempotent demo step, in the order they build
# on each other (people need the catalogue, requests need people, trips need requests).
DEMO_STEPS = [
    "accounts.management.commands.load_demo_data.load_catalogue",
    "accounts.management.commands.load_demo_data.load_people",
    "requests_app.demo.load_demo_requests",
    "tracking.demo.load_demo_trips",
]

# --- Payments (Stripe) ----------------------------------------------------------------
# Without a secret key the pay endpoint answers 503 `payments_unavailable`; without a webhook
# secret the webhook does too (Stripe then retries the event later).
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
# Charged in CURRENCY's smallest unit (paise for rupees).
# Only to point the client at a Stripe stand-in (stripe-mock, a test server); empty = Stripe.
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
STRIPE_TIMEOUT_SECONDS = env.int("STRIPE_TIMEOUT_SECONDS", default=20)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
