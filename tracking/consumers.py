"""The live-tracking WebSocket: ``/ws/requests/<request_id>/``.

Authorised like the request itself (``requests_app.selectors.service_request_get``): by the
session cookie (web pages) or ``?token=<JWT access token>`` (app clients, see ``ws_auth``).
The socket is read-only. It carries two kinds of message, both JSON objects with a ``type``:

- ``status``: the request's status, sent on connect and after each transition
  (``requests_app.events``);
- ``location``: ``{request_id, professional_id, point: {id, source, latitude, longitude,
  accuracy, recorded_at, received_at}, eta}`` (``tracking.eta``), the newest point of each
  batch (``tracking.events``) and, on connect, the latest one — each only to a watcher who may
  see it at that moment
  (``tracking.selectors.may_see_point``: the customer only while the request is ``en_route``
  or ``on_site``).

A client may send ``{"type": "ping"}`` (answered with ``pong``); anything else is answered with
an ``error`` message and otherwise ignored. Refusals accept the handshake and then close with
a code the app can act on (a refused handshake reaches a browser only as 1006):

- 4401: not signed in, or the token is not valid;
- 4403: the account is blocked;
- 4404: no such request, or the user may not see it (also sent when they stop being able to
  see it, e.g. another professional took the request they were offered);
- 4503: live updates are unavailable for a moment (Redis is down): reconnect with backoff.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import get_user_model
from django.utils.dateparse import parse_datetime

from householdsvc.core.errors import NotFound
from requests_app.events import request_group_name, status_message
from requests_app.selectors import service_request_get
from tracking import live_hub
from tracking.eta import eta_for
from tracking.events import location_message
from tracking.metrics import LIVE_SOCKETS
from tracking.selectors import location_latest, may_see_point

logger = logging.getLogger(__name__)

CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_BLOCKED = 4403
CLOSE_NOT_FOUND = 4404
# The channel layer (Redis) is down: try again shortly (like HTTP's 503).
CLOSE_UNAVAILABLE = 4503


@database_sync_to_async
def _snapshot(user, request_id):
    """(request, latest visible point) for a user who may see the request, else None."""
    try:
        service_request = service_request_get(user=user, request_id=request_id)
    except NotFound:
        return None
    latest = location_latest(user=user, service_request=service_request)
    return service_request, latest, eta_for(service_request, latest)


@database_sync_to_async
def _reload(user_id, request_id):
    """(user, request) read afresh, or None once the user may no longer see the request
    (blocked since, or no longer offered it). Run on each status change, which is rare."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return None
    try:
        return user, service_request_get(user=user, request_id=request_id)
    except NotFound:
        return None


def _moment(text: str):
    """An ISO 8601 time as the serializer writes it; ``fromisoformat`` (in C) reads those, a
    thousand watchers each parsing the same point."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return parse_datetime(text)


class RequestTrackingConsumer(live_hub.Member, AsyncJsonWebsocketConsumer):
    # No layer channel of its own (Channels makes one per consumer from the alias, and a
    # receive loop beside the socket's): the process's hub subscribes once per request and
    # hands this consumer the request's messages (tracking.live_hub).
    channel_layer_alias = "tracking-consumers-have-no-channel-of-their-own"

    async def __call__(self, scope, receive, send):
        # Whatever fails unforeseen (a handler, the layer) would end the handshake in a 500:
        # close with 4503 instead, the client retries.
        self.sent_accept = False

        async def tracking_send(message):
            if message.get("type") == "websocket.accept":
                self.sent_accept = True
            await send(message)

        try:
            await super().__call__(scope, receive, tracking_send)
        except Exception:
            logger.warning("WebSocket closed, the channel layer is down", exc_info=True)
            try:
                if not self.sent_accept:
                    await send({"type": "websocket.accept"})
                await send({"type": "websocket.close", "code": CLOSE_UNAVAILABLE})
            except Exception:  # the client went away meanwhile
                pass
        finally:
            # Out of the request's feed however the consumer ended (a failed connect is not
            # followed by ``disconnect``), or the hub would keep its inbox filling.
            if getattr(self, "joined", False):
                await self._leave()

    async def connect(self):
        self.request_id = self.scope["url_route"]["kwargs"]["request_id"]
        self.group_name = request_group_name(self.request_id)
        self.joined = False
        self.last_recorded_at = None
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            blocked = self.scope.get("auth_error") == "account_blocked"
            await self._refuse(CLOSE_BLOCKED if blocked else CLOSE_NOT_AUTHENTICATED)
            return
        self.user = user
        # Join before reading the state, so no change between the read and the join is lost
        # (one that lands in both is merely sent twice).
        try:
            await live_hub.hub().join(self.group_name, self)
        except Exception:  # redis-py's ConnectionError and timeouts, whatever the layer wraps
            logger.warning("WebSocket refused, the channel layer is down", exc_info=True)
            await self._refuse(CLOSE_UNAVAILABLE)
            return
        self.joined = True
        snapshot = await _snapshot(user, self.request_id)
        if snapshot is None:
            await self._refuse(CLOSE_NOT_FOUND)
            return
        self.service_request, latest, eta = snapshot
        await self.accept()
        LIVE_SOCKETS.inc()
        self.counted = True
        await self.send_json(status_message(self.service_request))
        if latest is not None:
            self.last_recorded_at = latest.recorded_at
            await self.send_json(location_message(latest, eta))
        # What reached the group since the join, then each message as it comes.
        live_hub.hub().ready(self)

    async def disconnect(self, code):
        if getattr(self, "counted", False):
            self.counted = False
            LIVE_SOCKETS.dec()
        await self._leave()

    async def _leave(self):
        if self.joined:
            self.joined = False
            await live_hub.hub().leave(self.group_name, self)

    async def _refuse(self, code: int):
        await self._leave()
        await self.accept()
        await self.close(code=code)

    # --- From the client: read-only -----------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            content = json.loads(text_data) if text_data else None
        except ValueError:
            content = None
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
            return
        await self.send_json(
            {
                "type": "error",
                "code": "read_only",
                "detail": "This socket only sends. Report positions with "
                f"POST /api/v1/requests/{self.request_id}/locations/.",
            }
        )

    # --- From the request's group ---------------------------------------------------------

    async def hub_handle(self, event):
        # Straight from the event loop: no hop through Channels' close_old_connections in the
        # one shared sync thread per message (the handler that reads the database goes through
        # ``database_sync_to_async``, which closes old connections itself).
        kind = event.get("type")
        if kind == "location":
            await self.location(event)
        elif kind == "status":
            await self.status(event)
        else:
            raise ValueError(f"No handler for message type {kind}")

    def hub_failed(self, error):
        # As when a handler raised inside Channels' loop: closed with "try again shortly".
        self.closing = asyncio.ensure_future(self._close_unavailable())

    async def _close_unavailable(self):
        try:
            await self._leave()
            await self.close(code=CLOSE_UNAVAILABLE)
        except Exception:  # the client went away meanwhile
            pass

    async def status(self, event):
        if not self.joined:
            return
        fresh = await _reload(self.user.pk, self.request_id)
        if fresh is None:
            await self._leave()
            await self.close(code=CLOSE_NOT_FOUND)
            return
        # The event is what happened; the fresh read decides what this watcher may see next.
        self.user, self.service_request = fresh
        await self.send_json(event)

    async def location(self, event):
        if not self.joined:
            return
        recorded_at = _moment(event["point"]["recorded_at"])
        # A batch flushed late by a phone must not move the marker back in time.
        if self.last_recorded_at is not None and recorded_at <= self.last_recorded_at:
            return
        if not may_see_point(
            self.user,
            self.service_request,
            reported_by_id=event["professional_id"],
            recorded_at=recorded_at,
        ):
            return
        self.last_recorded_at = recorded_at
        text = event.get("text")
        if text is None:
            await self.send_json(event)
        else:
            # Encoded once by the broadcaster, the same for every watcher (tracking.events).
            await self.send(text_data=text)
