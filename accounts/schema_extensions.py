"""drf-spectacular extensions for accounts' API classes (imported in AccountsConfig.ready)."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class BlockAwareJWTScheme(SimpleJWTScheme):
    """Our JWT authentication is simplejwt's with a clearer error: the same bearer scheme."""

    target_class = "accounts.authentication.JWTAuthentication"
