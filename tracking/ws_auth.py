"""WebSocket authentication for app clients: ``?ticket=<one-time ticket>`` from
``POST /api/v1/ws-ticket/`` (tracking.tickets); the access token in the subprotocol header
(``Sec-WebSocket-Protocol: bearer, <JWT>``, answered with ``bearer``); or ``?token=<JWT access
token>`` (older apps; uvicorn's log lines redact it).

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


# ``Sec-WebSocket-Protocol: bearer, <JWT access token>``: the token in a header, never in a URL.
BEARER_SUBPROTOCOL = "bearer"


def _bearer_subprotocol_token(scope) -> str | None:
    offered = list(scope.get("subprotocols") or ())
    if len(offered) == 2 and offered[0] == BEARER_SUBPROTOCOL and offered[1]:
        return offered[1]
    return None


def _echoing_bearer(send):
    """The handshake's answer names the subprotocol chosen (``bearer``, never the token), as a
    client that offered subprotocols requires; the consumers need not know."""

    async def wrapped(message):
        if message["type"] == "websocket.accept" and not message.get("subprotocol"):
            message = dict(message, subprotocol=BEARER_SUBPROTOCOL)
        await send(message)

    return wrapped


class JWTAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        query = parse_qs(scope.get("query_string", b"").decode())
        bearer = _bearer_subprotocol_token(scope)
        if query.get("ticket"):
            user, error = await _user_for_ticket(query["ticket"][0])
            scope = dict(scope, user=user, auth_error=error)
        elif bearer:
            user, error = await _user_for_token(bearer)
            scope = dict(scope, user=user, auth_error=error)
            send = _echoing_bearer(send)
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
