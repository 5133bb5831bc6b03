import logging
from types import SimpleNamespace

from django.core.cache.backends.locmem import LocMemCache
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle as BaseScopedRateThrottle

logger = logging.getLogger(__name__)

# While the shared cache (Redis) is down, throttles count in this process instead: nobody is
# locked out of logging in, and a guesser still meets a limit (one per web process).
_fallback_cache = LocMemCache("throttle-fallback", {"MAX_ENTRIES": 10_000})


class ScopedRateThrottle(BaseScopedRateThrottle):
    """DRF's scoped throttle, reading the rates when asked rather than once at import, so a
    changed ``REST_FRAMEWORK`` setting (an operator's, or a test's) takes effect; counting in
    the process while the shared cache cannot be reached."""

    @property
    def THROTTLE_RATES(self):
        return api_settings.DEFAULT_THROTTLE_RATES

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # the cache's client errors: redis-py's ConnectionError, timeouts
            if self.cache is _fallback_cache:
                raise
            logger.warning(
                "%s throttle counts in this process, the cache is down: %r",
                getattr(view, "throttle_scope", "?"),
                exc,
            )
            self.cache = _fallback_cache
            return super().allow_request(request, view)


def login_attempt_allowed(request) -> bool:
    """The API's login throttle for the login pages (site and admin) too: one budget per client
    address, whichever door the guesses come through."""
    return ScopedRateThrottle().allow_request(request, SimpleNamespace(throttle_scope="login"))
