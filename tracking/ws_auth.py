"""WebSocket authentication for app clients: ``?token=<JWT access token>``.

Browsers connect with their session cookie (AuthMiddlewareStack); app clients cannot set
headers on a WebSocket handshake, so they pass their access token in the query string.
The token goes through the REST API's own authentication class
(``accounts.authentication.JWTAuthentication``), so whatever it refuses is refused here too: a
blocked user's token leaves the connection anonymous, and ``scope["auth_error"]`` says why
(``account_blocked``), for the consumer to close with a code the app can act on.
"""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware


@database_sync_to_async
def _user_for_token(raw_token: str):
    """(user, None) for a good token; (AnonymousUser, error code) otherwise."""
    from django.contrib.auth.models import AnonymousUser
    from rest_framework.exceptions import AuthenticationFailed
    from rest_framework_simplejwt.exceptions import TokenError

    from accounts.authentication import JWTAuthentication

    auth = JWTAuthentication()
    try:
        return auth.get_user(auth.get_validated_token(raw_token.encode())), None
    except AuthenticationFailed as exc:
        # simplejwt's own errors (bad token, unknown user) carry a dict of codes; ours a string.
        code = exc.get_codes()
        return AnonymousUser(), code if isinstance(code, str) else "token_not_valid"
    except TokenError:
        return AnonymousUser(), "token_not_valid"


class JWTAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        token = parse_qs(scope.get("query_string", b"").decode()).get("token")
        if token:
            user, error = await _user_for_token(token[0])
            scope = dict(scope, user=user, auth_error=error)
        return await super().__call__(scope, receive, send)
