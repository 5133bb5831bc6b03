"""Live broadcast of a request's status to whoever watches it over the WebSocket.

The tracking app's consumer joins the Channels group ``request_<id>`` and receives a ``status``
message each time the request moves. Services call ``broadcast_status`` after commit.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def request_group_name(request_id) -> str:
    return f"request_{request_id}"


def status_message(service_request) -> dict:
    return {
        "type": "status",
        "request_id": service_request.pk,
        "status": service_request.status,
        "professional_id": service_request.professional_id,
        "updated_at": service_request.updated_at.isoformat() if service_request.updated_at else None,
    }


def broadcast_status(service_request) -> None:
    """Tell live watchers the request's new status. The change is already committed, so a
    channel layer that is down is logged, never raised: watchers re-read on reconnect."""
    try:
        channel_layer = get_channel_layer()
        if channel_layer is None:
            return
        async_to_sync(channel_layer.group_send)(
            request_group_name(service_request.pk), status_message(service_request)
        )
    except Exception:
        logger.warning("Could not broadcast the status of request %s", service_request.pk, exc_info=True)
