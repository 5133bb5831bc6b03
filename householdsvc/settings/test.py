"""Tests: the PostgreSQL and Redis on the machine (URLs from the environment, see README)."""

from decimal import Decimal

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-key-only-for-the-test-suite-0123456789abcdef"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
DEBUG = False
# A fast hasher: Argon2 costs ~50 ms a password, which the suite pays thousands of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The suite's expected values are written in UTC; the schedule's tests switch to the site's
# Asia/Kolkata (and to a zone with daylight saving) themselves (tests/requests_app/conftest.py).
TIME_ZONE = "UTC"
# Tasks run in-process unless a test starts a real worker (see tests/conftest.py).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {  # noqa: F405
    "login": "1000/min",
    "register": "1000/min",
    "tracking_link": "1000/min",
    "public_profile": "1000/min",
}

# Uploaded documents and export files go to a fresh folder per run, never the working tree.
import tempfile  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="hs-media-")
STATIC_ROOT = tempfile.mkdtemp(prefix="hs-static-")
PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="hs-private-")
STORAGES["private"] = {  # noqa: F405
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
}

# Stripe: test secrets, and an API base on the discard port so that a test can never reach the
# real Stripe; the payment tests point it at their own local stand-in server.
STRIPE_SECRET_KEY = "sk_test_householdsvc"
STRIPE_WEBHOOK_SECRET = "whsec_test_householdsvc"
CURRENCY = "INR"
STRIPE_API_BASE = "http://127.0.0.1:9"
# The other apps' tests complete 40.00 jobs at up to 62.50: within this tolerance, so only the
# money tests (which set their own, 10%) meet price changes.
PRICE_TOLERANCE_PERCENT = Decimal("60")
PLATFORM_COMMISSION_PERCENT = Decimal("15")
TAX_PERCENT = Decimal("0")
# Tests run offline: no map tiles are ever fetched (the markers show on a plain background).
MAP_TILE_URL = ""
# ...so the CSP lets no tile server in either (base.py added the default one).
CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] = ["'self'", "data:"]  # noqa: F405
