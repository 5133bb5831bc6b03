"""Live broadcast of a professional's position to whoever watches the request.

Sent to the request's Channels group (``requests_app.events.request_group_name``), next to the
``status`` messages; the consumer decides per watcher whether they may see it.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from requests_app.events import request_group_name
from requests_app.models import ServiceRequest
from tracking.api.serializers import LocationPointSerializer
from tracking.eta import eta_for

logger = logging.getLogger(__name__)


def location_message(point, eta=None) -> dict:
    """``eta`` is ``tracking.eta.eta_for``'s answer at this point (None: not known)."""
    return {
        "type": "location",
        "request_id": point.request_id,
        "professional_id": point.reported_by_id,
        "point": dict(LocationPointSerializer(point).data),
        "eta": eta,
    }


def broadcast_location(point) -> None:
    """Tell live watchers the newest position. The points are already committed, so a channel
    layer that is down is logged, never raised: the next batch, or a reconnect, catches up."""
    try:
        channel_layer = get_channel_layer()
        if channel_layer is None:
            return
        service_request = ServiceRequest.objects.get(pk=point.request_id)
        message = location_message(point, eta_for(service_request, point))
        async_to_sync(channel_layer.group_send)(request_group_name(point.request_id), message)
    except Exception:
        logger.warning("Could not broadcast a position on request %s", point.request_id, exc_info=True)
