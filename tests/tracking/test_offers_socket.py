"""The professional's offers socket (``/ws/offers/``) through the real ASGI application and the
channels-redis layer: a new roadside request's offer reaches exactly the professionals it was
made to, with distance, estimate and expiry, and ``offer_gone`` tells them when it is taken."""

from contextlib import asynccontextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from householdsvc.asgi import application
from requests_app import services as request_services
from tests.accounts.factories import ProfessionalFactory
from tests.tracking.test_websocket import ORIGIN, TIMEOUT, close_code, next_message, own_loop, token_for

pytestmark = pytest.mark.django_db(transaction=True)

BREAKDOWN = (Decimal("12.971600"), Decimal("77.594600"))


@asynccontextmanager
async def offers_socket(token=None):
    path = "/ws/offers/" + (f"?token={token}" if token else "")
    communicator = WebsocketCommunicator(application, path, headers=[ORIGIN])
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    try:
        yield connected, communicator
    finally:
        await communicator.disconnect()


@pytest.fixture
def crew(dispatch_service, settings):
    settings.DISPATCH_BATCH = 2
    settings.DISPATCH_OFFER_SECONDS = 90
    return [
        ProfessionalFactory(
            full_name=name,
            professional_profile__service=dispatch_service,
            professional_profile__current_latitude=BREAKDOWN[0] + Decimal(hundredths) / 100,
            professional_profile__current_longitude=BREAKDOWN[1],
            professional_profile__position_updated_at=timezone.now(),
        )
        for name, hundredths in [("Near", 1), ("Next", 2), ("Third", 3)]
    ]


@own_loop
async def test_an_offer_reaches_only_the_offered_professionals(customer, dispatch_service, crew):
    near, following, third = crew
    async with (
        offers_socket(token_for(near)) as (_, near_socket),
        offers_socket(token_for(following)) as (_, next_socket),
        offers_socket(token_for(third)) as (_, third_socket),
    ):
        for socket in (near_socket, next_socket, third_socket):
            assert await next_message(socket) == {"type": "snapshot", "offers": []}

        service_request = await database_sync_to_async(request_services.service_request_create)(
            customer=customer,
            service=dispatch_service,
            description="Flat tyre.",
            latitude=BREAKDOWN[0],
            longitude=BREAKDOWN[1],
        )

        offer = await next_message(near_socket)
        assert {key: offer[key] for key in ("type", "request_id", "round", "distance_km", "estimate")} == {
            "type": "offer",
            "request_id": service_request.pk,
            "round": 1,
            "distance_km": "1.11",
            "estimate": "75.00",
        }
        expires_at = timezone.datetime.fromisoformat(offer["expires_at"])
        offered_at = timezone.datetime.fromisoformat(offer["offered_at"])
        assert expires_at - offered_at == timedelta(seconds=90)
        assert (await next_message(next_socket))["distance_km"] == "2.22"
        assert await third_socket.receive_nothing(timeout=0.5)

        await database_sync_to_async(request_services.service_request_accept)(
            request_id=service_request.pk, professional=following
        )
        assert await next_message(near_socket) == {
            "type": "offer_gone",
            "request_id": service_request.pk,
            "state": "withdrawn",
        }
        assert await third_socket.receive_nothing(timeout=0.5)


@own_loop
async def test_a_reconnecting_professional_gets_their_live_offers_first(customer, dispatch_service, crew):
    service_request = await database_sync_to_async(request_services.service_request_create)(
        customer=customer,
        service=dispatch_service,
        description="Flat.",
        latitude=BREAKDOWN[0],
        longitude=BREAKDOWN[1],
    )
    async with offers_socket(token_for(crew[0])) as (_, socket):
        snapshot = await next_message(socket)
    assert [(row["request_id"], row["distance_km"]) for row in snapshot["offers"]] == [
        (service_request.pk, "1.11")
    ]


@own_loop
async def test_only_a_signed_in_professional_may_open_it(customer):
    async with offers_socket() as (_, socket):
        assert await close_code(socket) == 4401
    async with offers_socket(token_for(customer)) as (_, socket):
        assert await close_code(socket) == 4403
