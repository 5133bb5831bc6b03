from types import SimpleNamespace

from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle as BaseScopedRateThrottle


class ScopedRateThrottle(BaseScopedRateThrottle):
    """DRF's scoped throttle, reading the rates when asked rather than once at import, so a
    changed ``REST_FRAMEWORK`` setting (an operator's, or a test's) takes effect."""

    @property
    def THROTTLE_RATES(self):
        return api_settings.DEFAULT_THROTTLE_RATES


def login_attempt_allowed(request) -> bool:
    """The API's login throttle for the login pages (site and admin) too: one budget per client
    address, whichever door the guesses come through."""
    return ScopedRateThrottle().allow_request(request, SimpleNamespace(throttle_scope="login"))
