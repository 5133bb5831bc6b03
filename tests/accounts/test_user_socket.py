"""The user's own socket, /ws/me/ (the bell and live messages), through the real ASGI app and
channels-redis: the unread count on connect and after each change; anonymous is closed 4401."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework_simplejwt.tokens import AccessToken

from accounts.notifications import notification_mark_read, notify
from householdsvc.asgi import application
from tests.tracking.test_websocket import ORIGIN, own_loop

pytestmark = pytest.mark.django_db(transaction=True)


@own_loop
async def test_the_bell_gets_the_count_on_connect_and_each_change(customer):
    first = await database_sync_to_async(notify)(recipient=customer, kind="offer", key="s1", title="One")
    token = await database_sync_to_async(lambda: str(AccessToken.for_user(customer)))()
    socket = WebsocketCommunicator(application, f"/ws/me/?token={token}", headers=[ORIGIN])
    connected, _ = await socket.connect()
    assert connected
    assert await socket.receive_json_from(timeout=5) == {"type": "unread", "unread": 1}

    await database_sync_to_async(notify)(recipient=customer, kind="message", key="s2", title="Two")
    assert await socket.receive_json_from(timeout=5) == {"type": "unread", "unread": 2}

    await database_sync_to_async(notification_mark_read)(user=customer, notification_id=first.pk)
    assert await socket.receive_json_from(timeout=5) == {"type": "unread", "unread": 1}

    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=5) == {"type": "pong"}
    await socket.disconnect()


@own_loop
async def test_another_users_notification_does_not_reach_my_socket(customer, other_customer):
    token = await database_sync_to_async(lambda: str(AccessToken.for_user(customer)))()
    socket = WebsocketCommunicator(application, f"/ws/me/?token={token}", headers=[ORIGIN])
    await socket.connect()
    assert await socket.receive_json_from(timeout=5) == {"type": "unread", "unread": 0}
    await database_sync_to_async(notify)(recipient=other_customer, kind="offer", key="x", title="Bob's")
    assert await socket.receive_nothing(timeout=1)
    await socket.disconnect()


@own_loop
async def test_an_anonymous_socket_is_closed_with_4401(db):
    socket = WebsocketCommunicator(application, "/ws/me/", headers=[ORIGIN])
    await socket.connect()
    assert await socket.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}
    await asyncio.sleep(0)
