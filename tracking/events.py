"""Live broadcast of a professional's position to whoever watches the request.

Sent to the request's Channels group (``requests_app.events.request_group_name``), next to the
``status`` messages; the consumer decides per watcher whether they may see it.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from requests_app.events import request_group_name
from tracking.api.serializers import LocationPointSerializer

logger = logging.getLogger(__name__)


def location_message(point) -> dict:
    return {
        "type": "location",
        "request_id": point.request_id,
        "professional_id": point.reported_by_id,
        "point": dict(LocationPointSerializer(point).data),
    }


def broadcast_location(point) -> None:
    """Tell live watchers the newest position. The points are already committed, so a channel
    layer that is down is logged, never raised: the next batch, or a reconnect, catches up."""
    try:
        channel_layer = get_channel_layer()
        if channel_layer is None:
            return
        async_to_sync(channel_layer.group_send)(request_group_name(point.request_id), location_message(point))
    except Exception:
        logger.warning("Could not broadcast a position on request %s", point.request_id, exc_info=True)
