"""WebSocket authentication for app clients: ``?ticket=<one-time ticket>`` from
``POST /api/v1/ws-ticket/`` (tracking.tickets), or ``?token=<JWT access token>`` (older apps;
uvicorn's log lines redact it).

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
from channels.security.websocket import AllowedHostsOriginValidator


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


@database_sync_to_async
def _user_for_ticket(ticket: str):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser

    from tracking.tickets import ws_ticket_redeem

    user_id = ws_ticket_redeem(ticket=ticket)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id is not None else None
    if user is None:
        return AnonymousUser(), "ticket_not_valid"
    if not user.is_active:
        return AnonymousUser(), "account_blocked"
    return user, None


class JWTAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        query = parse_qs(scope.get("query_string", b"").decode())
        if query.get("ticket"):
            user, error = await _user_for_ticket(query["ticket"][0])
            scope = dict(scope, user=user, auth_error=error)
        elif query.get("token"):
            user, error = await _user_for_token(query["token"][0])
            scope = dict(scope, user=user, auth_error=error)
        return await super().__call__(scope, receive, send)


class CookieSessionOriginValidator:
    """The Origin check where it protects anything: a handshake carrying cookies, which a
    browser on another site would send on the user's behalf (cross-site WebSocket hijacking).
    A native app sends no Origin and no cookie; its ticket or token is proof enough."""

    def __init__(self, application):
        self.application = application
        self.checked = AllowedHostsOriginValidator(application)

    async def __call__(self, scope, receive, send):
        has_cookie = any(name == b"cookie" for name, _ in scope.get("headers", ()))
        return await (self.checked if has_cookie else self.application)(scope, receive, send)
