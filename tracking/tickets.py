"""One-time WebSocket tickets: an app asks ``POST /api/v1/ws-ticket/`` with its bearer token
and opens ``/ws/requests/{id}/?ticket=…`` within ``WS_TICKET_SECONDS``. The long-lived access
token never appears in a URL (URLs end up in proxies' and servers' logs); a ticket is good
once, for half a minute. Tickets live in the shared cache, so any web process redeems them."""

import logging
import secrets

from django.core.cache import cache
from django.utils.translation import gettext

from householdsvc.core.errors import ServiceError

logger = logging.getLogger(__name__)

WS_TICKET_SECONDS = 30
_PREFIX = "ws-ticket:"


class LiveUpdatesUnavailable(ServiceError):
    """The cache that holds tickets (Redis) is down: try again shortly."""

    status_code = 503
    code = "live_updates_unavailable"


def ws_ticket_issue(*, user) -> str:
    ticket = secrets.token_urlsafe(32)
    try:
        cache.set(f"{_PREFIX}{ticket}", user.pk, timeout=WS_TICKET_SECONDS)
    except Exception as exc:  # the cache client's connection errors
        logger.warning("WebSocket ticket not issued, the cache is down: %r", exc)
        raise LiveUpdatesUnavailable(
            gettext("Live updates are briefly unavailable. Try again shortly.")
        ) from exc
    return ticket


def ws_ticket_redeem(*, ticket: str) -> int | None:
    """The user id the ticket was issued to, once; None for an unknown, used or expired one."""
    key = f"{_PREFIX}{ticket}"
    try:
        user_id = cache.get(key)
        # Of two handshakes racing with one ticket, only the one whose delete removed it wins.
        if user_id is None or not cache.delete(key):
            return None
    except Exception:
        logger.warning("WebSocket ticket not redeemed, the cache is down", exc_info=True)
        return None
    return user_id
