"""Access tokens that end with a log-out or a password change, not only at their expiry.

Each user has ``tokens_valid_after``: a log-out through the API and every password change or
reset stamp it, and the JWT authentication (the API's and the WebSocket's, which uses the same
class) refuses an access token issued before it (401 ``token_not_valid``). The check costs no
query: it reads a column of the user row that the authentication fetches on every request
anyway (that same read is what makes a block take effect at once).

A token's issue time in whole seconds (``iat``) is too coarse for this: a password change hands
out a new pair in the same second as it ends the old ones. So the access tokens made here also
carry ``iat_ms``. An access token without it (made by simplejwt's own classes, or before
this) counts as issued at the end of its ``iat`` second: refused from the next second on.

A user's other devices keep their refresh tokens after a log-out elsewhere (only the one sent
is revoked): their next refresh gives them an access token that works again.
"""

from __future__ import annotations

from django.utils import timezone
from rest_framework_simplejwt import tokens


class AccessToken(tokens.AccessToken):
    def __init__(self, token=None, verify=True):
        super().__init__(token, verify)
        if token is None:
            self["iat_ms"] = int(self.current_time.timestamp() * 1000)


class RefreshToken(tokens.RefreshToken):
    access_token_class = AccessToken
    # Its access tokens take their own issue time, never the refresh token's.
    no_copy_claims = (*tokens.RefreshToken.no_copy_claims, "iat_ms")


def access_tokens_end(*, user_id) -> None:
    """Every access token of the user issued until now stops working."""
    from accounts.models import User

    User.objects.filter(pk=user_id).update(tokens_valid_after=timezone.now())


def token_ended(user, validated_token) -> bool:
    """Whether this access token was issued before the user's tokens were ended."""
    valid_after = getattr(user, "tokens_valid_after", None)
    if valid_after is None:
        return False
    issued_ms = validated_token.get("iat_ms")
    if issued_ms is None:
        issued_ms = int(validated_token.get("iat", 0)) * 1000 + 999
    return int(issued_ms) < int(valid_after.timestamp() * 1000)
