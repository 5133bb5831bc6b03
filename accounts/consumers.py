"""The user's own WebSocket: ``/ws/me/``, for the bell and live messages.

Authenticated as the tracking socket is (the session cookie, or ``?token=<JWT>`` through the
project's JWT middleware in ``householdsvc.asgi``). It joins the Channels group of the user
(``accounts.notifications.user_group_name``) and forwards what is sent there:

- ``{"type": "unread", "unread": n}``: on connect and whenever the unread count changes;
- ``{"type": "chat_message", ...}``: a new message on one of the user's requests
  (``requests_app.messages``).

Read-only: a client's ``{"type": "ping"}`` gets ``pong``; anything else is ignored. Not signed
in: the socket is accepted and closed with 4401 (a refused handshake reaches a browser as 1006).
"""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from accounts.notifications import unread_count, user_group_name

CLOSE_NOT_AUTHENTICATED = 4401


class UserConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        await self.accept()
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_NOT_AUTHENTICATED)
            return
        self.group = user_group_name(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        count = await database_sync_to_async(unread_count)(user_id=user.pk)
        await self.send_json({"type": "unread", "unread": count})

    async def disconnect(self, code):
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def unread(self, event):
        await self.send_json({"type": "unread", "unread": event["unread"]})

    async def chat_message(self, event):
        await self.send_json(event)
