"""Live delivery of offers to the professionals they are for.

Each professional has a Channels group of their own (``professional_offers_group``); the
offers socket (tracking's ``OffersConsumer``) joins it for the signed-in professional only,
so an offer reaches nobody else. Two messages, both JSON objects with a ``type``:

- ``offer``: a new offer, with what the offers page shows (distance, estimate, expiry);
- ``offer_gone``: the request is no longer on offer to them (taken, expired, withdrawn).

Sent after commit; a channel layer that is down is logged, never raised: the page re-reads
its offers on reconnect.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from requests_app.models import Offer, OfferState

logger = logging.getLogger(__name__)


def professional_offers_group(user_id) -> str:
    return f"professional_offers_{user_id}"


def offer_message(offer: Offer) -> dict:
    service_request = offer.request
    return {
        "type": "offer",
        "offer_id": offer.pk,
        "request_id": service_request.pk,
        "service": service_request.service.name,
        "description": service_request.description[:120],
        "round": offer.round,
        "distance_km": None if offer.distance_km is None else str(offer.distance_km),
        "estimate": None if service_request.price_estimate is None else str(service_request.price_estimate),
        "pin_code": service_request.pin_code,
        "offered_at": offer.offered_at.isoformat(),
        "expires_at": offer.expires_at.isoformat() if offer.expires_at else None,
    }


def _send_all(messages: list[tuple[int, dict]]) -> None:
    """Every (professional id, message) in one trip into the channel layer's event loop (one
    ``async_to_sync`` for the lot, not one each: the offers of a round go out together)."""
    channel_layer = get_channel_layer()
    if channel_layer is None or not messages:
        return

    async def send():
        for user_id, message in messages:
            await channel_layer.group_send(professional_offers_group(user_id), message)

    async_to_sync(send)()


def announce_offers(offer_ids) -> None:
    """Each new offer to its professional's socket."""
    try:
        offers = Offer.objects.filter(pk__in=offer_ids).select_related("request__service")
        _send_all([(offer.professional_id, offer_message(offer)) for offer in offers])
    except Exception:
        logger.warning("Could not announce offers %s", offer_ids, exc_info=True)


def announce_gone(request_id) -> None:
    """Tell the professionals whose offer of the request closed without them taking it."""
    try:
        closed = Offer.objects.filter(request_id=request_id).exclude(
            state__in=(OfferState.OPEN, OfferState.ACCEPTED)
        )
        _send_all(
            [
                (professional_id, {"type": "offer_gone", "request_id": request_id, "state": state})
                for professional_id, state in closed.values_list("professional_id", "state")
            ]
        )
    except Exception:
        logger.warning("Could not announce the end of the offers of request %s", request_id, exc_info=True)
