"""The professional's offers socket: ``/ws/offers/``.

Signed in like the tracking socket (session cookie, or ``?token=`` for apps). Only a
professional may open it, and it joins that professional's own group
(``requests_app.offer_events.professional_offers_group``), so an offer reaches only the
professional it was made to. On connect it sends ``{"type": "snapshot", "offers": [...]}``
with their live offers, then ``offer`` for each new one and ``offer_gone`` when one closes.
Refusals accept the handshake, then close: 4401 not signed in, 4403 blocked or not a
professional. A client may send ``{"type": "ping"}`` (answered ``pong``); nothing else.
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from requests_app.offer_events import offer_message, professional_offers_group
from requests_app.offers import offer_list

CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_NOT_ALLOWED = 4403


@database_sync_to_async
def _snapshot(user) -> list[dict]:
    return [offer_message(offer) for offer in offer_list(user=user)]


class OffersConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.group_name = None
        user = self.scope.get("user")
        await self.accept()
        if user is None or not user.is_authenticated:
            blocked = self.scope.get("auth_error") == "account_blocked"
            await self.close(code=CLOSE_NOT_ALLOWED if blocked else CLOSE_NOT_AUTHENTICATED)
            return
        if not (user.is_active and user.is_professional):
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        # Join before reading, so an offer made in between is not lost (at worst sent twice).
        self.group_name = professional_offers_group(user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.send_json({"type": "snapshot", "offers": await _snapshot(user)})

    async def disconnect(self, code):
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)
            self.group_name = None

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
            return
        await self.send_json({"type": "error", "code": "read_only", "detail": "This socket only sends."})

    async def offer(self, event):
        await self.send_json(event)

    async def offer_gone(self, event):
        await self.send_json(event)
