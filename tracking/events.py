"""Live broadcast of a professional's position to whoever watches the request.

Sent to the request's Channels group (``requests_app.events.request_group_name``), next to the
``status`` messages; the consumer decides per watcher whether they may see it.

One message per batch (its newest point), published after the commit and off the request's
critical path: under the ASGI server the publish is handed to the server's own event loop and
the batch's answer does not wait for it (nor for a loop busy delivering the previous batch to a
thousand sockets). The message carries its JSON text, made once here, so each watcher's
consumer sends those bytes instead of encoding the same dict again.
"""

import asyncio
import functools
import json
import logging

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer

from requests_app.events import request_group_name
from requests_app.models import ServiceRequest
from tracking.api.serializers import LocationPointSerializer
from tracking.eta import NOT_READ, eta_for, eta_of_trip

logger = logging.getLogger(__name__)


@functools.cache
def _point_serializer() -> LocationPointSerializer:
    """One serializer for every point: a model serializer builds its fields when made, which
    cost more than writing the point; its ``to_representation`` keeps no state."""
    return LocationPointSerializer()


def location_message(point, eta=None) -> dict:
    """``eta`` is ``tracking.eta.eta_for``'s answer at this point (None: not known)."""
    return {
        "type": "location",
        "request_id": point.request_id,
        "professional_id": point.reported_by_id,
        "point": dict(_point_serializer().to_representation(point)),
        "eta": eta,
    }


def encode(message: dict) -> str:
    """The text a watcher receives for a message (what ``send_json`` would make of it)."""
    return json.dumps(message)


def group_event(message: dict) -> dict:
    """The group message for a location message: the message itself (the consumer reads its
    fields to decide who may see it) plus its text, under a key no client ever sees."""
    return {**message, "text": encode(message)}


# Publishes handed to the server's loop and not finished yet (a task nobody holds may be
# collected before it runs).
_pending: set[asyncio.Task] = set()


async def _publish(channel_layer, group: str, event: dict, request_id) -> None:
    try:
        await channel_layer.group_send(group, event)
    except Exception:
        logger.warning("Could not broadcast a position on request %s", request_id, exc_info=True)


def _server_loop():
    """The ASGI server's event loop when this runs in one of its request threads, else None
    (a management command, a test calling the service directly). The same lookup asgiref's
    ``async_to_sync`` makes to run a coroutine there."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() and not loop.is_closed() else None


def _start(loop, channel_layer, group, event, request_id) -> None:
    task = loop.create_task(_publish(channel_layer, group, event, request_id))
    _pending.add(task)
    task.add_done_callback(_pending.discard)


def broadcast_location(point, trip=NOT_READ) -> None:
    """Tell live watchers the newest position, with the ETA at it worked out from ``trip``
    (``tracking.eta.Trip``; None: no target; ``NOT_READ``: read here). The points are already
    committed, so a channel layer that is down is logged, never raised: the next batch, or a
    reconnect, catches up."""
    try:
        channel_layer = get_channel_layer()
        if channel_layer is None:
            return
        if trip is NOT_READ:
            eta = eta_for(ServiceRequest.objects.get(pk=point.request_id), point)
        else:
            eta = eta_of_trip(trip)
        event = group_event(location_message(point, eta))
        group = request_group_name(point.request_id)
        loop = _server_loop()
        if loop is None:
            async_to_sync(_publish)(channel_layer, group, event, point.request_id)
        else:
            # In order (the loop runs its callbacks first in, first out), and not waited for.
            loop.call_soon_threadsafe(_start, loop, channel_layer, group, event, point.request_id)
    except Exception:
        logger.warning("Could not broadcast a position on request %s", point.request_id, exc_info=True)
