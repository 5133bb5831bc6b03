"""Settings shared by every environment, read from the environment with django-environ.

Integrations switch on the presence of their URL, never on DEBUG: with nothing set the
project runs embedded (SQLite, local-memory cache, eager Celery, in-memory channel layer,
console email); ``DATABASE_URL`` and ``REDIS_URL`` move it onto PostgreSQL and Redis.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
import xstatic.pkg.leaflet
from csp.constants import NONCE, NONE, SELF

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
    "householdsvc.core.backoffice_site.BackOfficeConfig",  # django.contrib.admin
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Icons (inline SVG) and the favicon: the Lucide set from PyPI, no CDN. Not an app here:
    # its template tag is registered memoised as the library "lucide" (TEMPLATES below).
    "rest_framework",
    "rest_framework_simplejwt",
    # Refresh tokens that can be revoked: logout, rotation, a changed password.
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_celery_results",
    "django_celery_beat",
    "csp",
    "django_prometheus",
    "accounts",
    "catalog",
    "requests_app",
    "reviews",
    "exports",
    "tracking",
]

MIDDLEWARE = [
    # Times the whole request (django-prometheus, served at /metrics); its pair ends the list.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # The request id on every log line and into the tasks the request queues.
    "householdsvc.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Oversize and deeply nested bodies refused before anything parses them.
    "householdsvc.core.middleware.RequestGuardMiddleware",
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
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "householdsvc.urls"
WSGI_APPLICATION = "householdsvc.wsgi.application"
ASGI_APPLICATION = "householdsvc.asgi.application"
# Requests of a web process at their sync work at once (0: no limit), and a slot's hold and
# longest wait before the next request goes in beside it: householdsvc.core.sync_slots.
ASGI_SYNC_SLOTS = env.int("DJANGO_ASGI_SYNC_SLOTS", default=3)
ASGI_SYNC_SLOT_HOLD_SECONDS = env.float("DJANGO_ASGI_SYNC_SLOT_HOLD_SECONDS", default=0.2)
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
            # Memoised icons, {% kept %} pieces, the changelists' table, the admin's user links, sidebar.
            "libraries": {
                "lucide": "householdsvc.core.icons",
                "kept": "householdsvc.core.kept_fragments",
                "admin_rows": "householdsvc.core.admin_rows",
                "backoffice": "householdsvc.core.backoffice_tags",
            },
        },
    },
]

# Content-Security-Policy on every response (django-csp): scripts from the site, or inline
# with the response's nonce (``nonce="{{ request.csp_nonce }}"``); inline styles stay allowed
# (the pages' <style> blocks and the admin's style attributes), they run no code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # The Pay button's form redirects to Stripe's hosted Checkout page.
        "form-action": [SELF, "https://checkout.stripe.com"],
        "frame-ancestors": [NONE],
    }
}

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's PostgreSQL backend with django-prometheus' cursor counting and timing
    # (django_db_execute_total, django_db_query_duration_seconds at /metrics); it wraps the
    # cursor factory, so the psycopg pool below hands out counted connections too.
    DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"
    # Connections are checked before use, so a restarted server is survived: with the pool,
    # Django passes psycopg_pool.ConnectionPool.check_connection as the pool's `check`.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # An unreachable host (not merely a refused port) is given up on quickly.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DJANGO_DB_CONNECT_TIMEOUT", default=2)
    )
    if env.bool("DJANGO_DB_POOL", default=True):
        # Our ASGI handler keeps a thread per request in flight (householdsvc.core.handler):
        # a persistent connection per thread would be unbounded. A pool per process hands each
        # request an open connection, takes it back at the end, and bounds how many. Django
        # refuses a pool together with persistent connections, hence CONN_MAX_AGE 0.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DJANGO_DB_POOL_MIN", default=2),
            "max_size": env.int("DJANGO_DB_POOL_MAX", default=8),
            # Seconds a request waits for a free connection before it answers 503 (with the
            # database down, every request waits this long).
            "timeout": env.float("DJANGO_DB_POOL_TIMEOUT", default=2.0),
            # The pool retries a lost connection with a doubling delay (1, 2, 4, 8 s ...); after
            # a long outage its next try came up to a minute after the database was back. Giving
            # up after a few seconds makes the next request start a fresh attempt right away.
            "reconnect_timeout": env.float("DJANGO_DB_POOL_RECONNECT_TIMEOUT", default=4.0),
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
            # Django's RedisCache, with hits, misses and latency counted for /metrics.
            "BACKEND": "householdsvc.core.metered_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("DJANGO_CACHE_PREFIX", default="hs"),
            # A Redis that hangs (not merely refuses) must not hold a request for long.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
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
# Beat's fixed jobs; the DatabaseScheduler copies them into its table at start (the other
# schedules are made by data migrations).
CELERY_BEAT_SCHEDULE = {
    # Notification and account e-mail deliveries whose task never reached the broker.
    "accounts-requeue-pending-deliveries": {
        "task": "accounts.tasks.requeue_pending_deliveries",
        "schedule": 60.0,
    },
    # completed → closed by itself after CLOSE_AFTER_DAYS (requests_app.auto_close).
    "requests-close-completed": {"task": "requests_app.tasks.close_completed_requests", "schedule": 3600.0},
}
# A task acked late must outlive the visibility timeout, or Redis redelivers it mid-run; just
# above the longest time limit, so a message of a worker that died whole comes back soon.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60}
# A running export whose worker stamped no heartbeat for this long lost it and is queued
# again by the minute's sweep (exports.outbox).
TASK_HEARTBEAT_SECONDS = env.float("TASK_HEARTBEAT_SECONDS", default=10)
TASK_LOST_AFTER_SECONDS = env.int("TASK_LOST_AFTER_SECONDS", default=60)

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

# A password-reset link (also the e-mail confirmation and unlock links) works this long.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 24)
# Failed log-ins in a row after which an account is locked until its e-mailed link or an
# admin unlocks it (on top of the per-address throttle).
LOGIN_LOCKOUT_FAILURES = env.int("LOGIN_LOCKOUT_FAILURES", default=5)

# Where notification SMS go: "console://" (printed; the default) or
# "twilio://ACCOUNT_SID:AUTH_TOKEN@+15550001111" (Twilio, from that number). A
# "?api_base=http://host:port" points Twilio's client at a stand-in (tests only).
SMS_URL = env("SMS_URL", default="console://")
# How often a failing e-mail or SMS delivery is retried (with a growing wait) before it is
# marked failed.
NOTIFICATION_MAX_RETRIES = env.int("NOTIFICATION_MAX_RETRIES", default=5)
# The first wait before a retry, doubled each time (at most an hour).
NOTIFICATION_RETRY_SECONDS = env.int("NOTIFICATION_RETRY_SECONDS", default=30)

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
# Leaflet's JS/CSS from the xstatic-leaflet package as static/leaflet/ (the live maps).
STATICFILES_DIRS.append(("leaflet", xstatic.pkg.leaflet.BASE_DIR))
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
        # Shared tracking links (page and polling) per client address.
        "tracking_link": env("DJANGO_THROTTLE_TRACKING_LINK", default="120/min"),
        # The public professional profile in the API, per client address (or user).
        "public_profile": env("DJANGO_THROTTLE_PUBLIC_PROFILE", default="60/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "AUTH_HEADER_TYPES": ("Bearer",),
    # Each refresh hands out a new refresh token and revokes the one used, so a stolen refresh
    # token stops working the next time its owner refreshes.
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
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

# --- The product's knobs (catalogue, schedule, dispatch, tracking, money): product.py -------
from householdsvc.settings.product import *  # noqa: E402, F403
from householdsvc.settings.product import MAP_TILE_URL  # noqa: E402

if MAP_TILE_URL:  # the maps' tiles are images from the tile server: the CSP lets its origin in
    _tiles = urlsplit(MAP_TILE_URL.replace("{s}", "*"))
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")

# /metrics answers an admin's session, or a scraper sending "Authorization: Bearer <token>".
METRICS_TOKEN = env("DJANGO_METRICS_TOKEN", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # One JSON object a line, with the request id (householdsvc.core.request_id).
        "json": {"()": "householdsvc.core.request_id.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": env("DJANGO_LOG_FORMAT", default="text")}
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
