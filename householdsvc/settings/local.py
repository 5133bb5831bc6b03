"""The embedded default for `make run`: a fixed development key, localhost only, and DEBUG off,
so a visitor sees the site's own error pages, never Django's debug page. Developers switch
DEBUG on with DJANGO_DEBUG=true. Static files are served by whitenoise from STATIC_ROOT (make run
collects them first) either way."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-key-not-for-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
# No beat here unless Redis is configured: the server sweeps expired offer rounds itself.
DISPATCH_SWEEP_THREAD_SECONDS = env.float("DISPATCH_SWEEP_THREAD_SECONDS", default=5)
