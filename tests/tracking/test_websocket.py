"""The live-tracking WebSocket through the real ASGI application (origin check, session and
token auth, routing) and the real channels-redis layer: who may watch, what each watcher is
sent when the request moves or the professional's phone reports, and that it is read-only.

The consumer reads the database in its own thread, so these tests commit their data
(``transaction=True``) and call services through ``database_sync_to_async`` like it does.
"""

import asyncio
import functools
import threading
from contextlib import asynccontextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from householdsvc.asgi import application
from requests_app import services as request_services
from requests_app.models import Status
from tests.tracking.factories import LocationUpdateFactory, track_json
from tracking import events

pytestmark = pytest.mark.django_db(transaction=True)


def own_loop(test):
    """Run an ``async def`` test on a fresh event loop in a thread of its own.

    Why not pytest-asyncio: tests/browser's session-wide Playwright (sync API) keeps an event
    loop running in the main thread until the session ends, and asyncio refuses to start another
    loop there, so every async test collected after the browser tests would fail. Fixtures still
    run in the main thread; the test commits its data, so the threads share nothing else.
    """

    @functools.wraps(test)
    def run(*args, **kwargs):
        outcome = {}

        def target():
            try:
                asyncio.run(test(*args, **kwargs))
            except BaseException as exc:  # handed back to the test's own thread
                outcome["error"] = exc

        thread = threading.Thread(target=target, name=test.__name__)
        thread.start()
        thread.join()
        if "error" in outcome:
            raise outcome["error"]

    return run


ORIGIN = (b"origin", b"http://testserver")
TIMEOUT = 5


def token_for(user) -> str:
    return str(AccessToken.for_user(user))


@pytest.fixture
def customer_cookie(customer) -> str:
    """Alice's session cookie, as her browser sends it after logging in on the web pages."""
    client = Client()
    client.force_login(customer)
    return f"sessionid={client.cookies['sessionid'].value}"


@pytest.fixture
def watcher(request, role):
    """The user of the parametrized ``role`` (set up outside the test's event loop)."""
    return request.getfixturevalue(role)


@asynccontextmanager
async def watching(request_id, *, token=None, cookie=None, origin=ORIGIN):
    """A WebSocket on the request's live feed; closed (disconnected) on the way out."""
    path = f"/ws/requests/{request_id}/" + (f"?token={token}" if token else "")
    headers = [origin] if origin else []
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    try:
        yield connected, communicator
    finally:
        await communicator.disconnect()


async def close_code(communicator) -> int:
    message = await communicator.receive_output(timeout=TIMEOUT)
    assert message["type"] == "websocket.close", message
    return message["code"]


async def next_message(communicator) -> dict:
    return await communicator.receive_json_from(timeout=TIMEOUT)


async def post_batch(user, service_request, points):
    def post():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
        return client.post(
            f"/api/v1/requests/{service_request.pk}/locations/", {"points": points}, format="json"
        )

    response = await database_sync_to_async(post)()
    assert response.status_code == 201, response.content
    return response


@pytest.fixture
def trip_point(en_route_request):
    """Carol's position five minutes ago, on Alice's request she set off on half an hour ago."""
    return LocationUpdateFactory(
        request=en_route_request, recorded_at=timezone.now() - timedelta(minutes=5), latitude=Decimal("12.95")
    )


# --- Who may connect --------------------------------------------------------------------------


@own_loop
async def test_an_anonymous_watcher_is_closed_with_4401(en_route_request):
    async with watching(en_route_request.pk) as (connected, socket):
        assert connected
        assert await close_code(socket) == 4401


@own_loop
async def test_a_token_that_is_not_valid_is_closed_with_4401(en_route_request):
    async with watching(en_route_request.pk, token="not-a-jwt") as (_, socket):
        assert await close_code(socket) == 4401


@own_loop
async def test_a_blocked_users_token_is_refused_with_4403(en_route_request, customer):
    token = token_for(customer)
    customer.is_active = False
    await database_sync_to_async(customer.save)()

    async with watching(en_route_request.pk, token=token) as (_, socket):
        assert await close_code(socket) == 4403


@own_loop
async def test_a_blocked_users_session_counts_for_nothing(en_route_request, customer, customer_cookie):
    customer.is_active = False
    await database_sync_to_async(customer.save)()

    async with watching(en_route_request.pk, cookie=customer_cookie) as (_, socket):
        assert await close_code(socket) == 4401


@pytest.mark.parametrize("role", ["other_customer", "other_professional"])
@own_loop
async def test_someone_elses_request_is_closed_with_4404(en_route_request, watcher):
    async with watching(en_route_request.pk, token=token_for(watcher)) as (_, socket):
        assert await close_code(socket) == 4404


@own_loop
async def test_an_unknown_request_is_closed_with_4404(customer):
    async with watching(987654321, token=token_for(customer)) as (_, socket):
        assert await close_code(socket) == 4404


@own_loop
async def test_a_foreign_origin_with_a_session_cookie_is_refused_at_the_handshake(
    en_route_request, customer_cookie
):
    # Cross-site WebSocket hijacking rides on the cookie a browser sends by itself.
    evil = (b"origin", b"https://evil.example")
    async with watching(en_route_request.pk, cookie=customer_cookie, origin=evil) as (connected, _):
        assert not connected


@own_loop
async def test_a_token_is_not_checked_against_the_origin(en_route_request, customer):
    # A native app sends no Origin (or whatever it likes); its token is not ambient.
    evil = (b"origin", b"https://evil.example")
    async with watching(en_route_request.pk, token=token_for(customer), origin=evil) as (connected, _):
        assert connected


# --- What each watcher is sent on connect ---------------------------------------------------


@own_loop
async def test_the_customer_on_a_session_gets_the_status_and_the_professionals_position(
    en_route_request, trip_point, customer_cookie, professional
):
    async with watching(en_route_request.pk, cookie=customer_cookie) as (_, socket):
        status = await next_message(socket)
        location = await next_message(socket)

    assert status["type"] == "status"
    assert (status["request_id"], status["status"]) == (en_route_request.pk, "en_route")
    assert status["professional_id"] == professional.pk
    assert location["type"] == "location"
    assert location["professional_id"] == professional.pk
    assert location["point"]["id"] == trip_point.pk
    assert location["point"]["latitude"] == "12.950000"


@pytest.mark.parametrize("role", ["professional", "admin_user"])
@own_loop
async def test_the_professional_and_admins_get_the_latest_position(in_state, watcher):
    service_request = await database_sync_to_async(in_state)(Status.ASSIGNED)
    point = await database_sync_to_async(LocationUpdateFactory)(request=service_request)

    async with watching(service_request.pk, token=token_for(watcher)) as (_, socket):
        assert (await next_message(socket))["status"] == "assigned"
        assert (await next_message(socket))["point"]["id"] == point.pk


@own_loop
async def test_the_customer_gets_no_position_before_the_professional_sets_off(in_state, customer):
    service_request = await database_sync_to_async(in_state)(Status.ASSIGNED)
    await database_sync_to_async(LocationUpdateFactory)(request=service_request)

    async with watching(service_request.pk, token=token_for(customer)) as (_, socket):
        assert (await next_message(socket))["status"] == "assigned"
        assert await socket.receive_nothing(timeout=0.5)


# --- Live messages --------------------------------------------------------------------------


@own_loop
async def test_a_real_transition_reaches_the_customer_and_then_the_trip_does(
    in_state, customer, professional
):
    service_request = await database_sync_to_async(in_state)(Status.ASSIGNED)
    async with watching(service_request.pk, token=token_for(customer)) as (_, socket):
        assert (await next_message(socket))["status"] == "assigned"

        # Carol reports while getting ready: not for Alice's eyes.
        await post_batch(professional, service_request, track_json(2))
        assert await socket.receive_nothing(timeout=0.5)

        await database_sync_to_async(request_services.service_request_start)(
            request_id=service_request.pk, professional=professional
        )
        status = await next_message(socket)
        assert (status["type"], status["status"]) == ("status", "en_route")

        await post_batch(professional, service_request, track_json(3))
        location = await next_message(socket)
        assert location["type"] == "location"
        assert location["point"]["latitude"] == "12.900200"  # the newest of the three
        assert await socket.receive_nothing(timeout=0.3)  # one message per batch


@own_loop
async def test_the_professional_and_several_admin_screens_all_get_each_batch(
    en_route_request, professional, admin_user
):
    async with (
        watching(en_route_request.pk, token=token_for(professional)) as (_, first),
        watching(en_route_request.pk, token=token_for(admin_user)) as (_, second),
        watching(en_route_request.pk, token=token_for(admin_user)) as (_, third),
    ):
        for socket in (first, second, third):
            assert (await next_message(socket))["type"] == "status"
        await post_batch(professional, en_route_request, track_json(2))
        for socket in (first, second, third):
            assert (await next_message(socket))["point"]["latitude"] == "12.900100"


@own_loop
async def test_the_customer_stops_seeing_the_professional_once_the_job_is_done(
    en_route_request, trip_point, customer, professional
):
    async with watching(en_route_request.pk, token=token_for(customer)) as (_, socket):
        await next_message(socket)  # status
        await next_message(socket)  # the latest position

        await database_sync_to_async(request_services.service_request_arrive)(
            request_id=en_route_request.pk, professional=professional, start_code=en_route_request.start_code
        )
        assert (await next_message(socket))["status"] == "on_site"
        await database_sync_to_async(request_services.service_request_complete)(
            request_id=en_route_request.pk, professional=professional, final_price="40.00"
        )
        assert (await next_message(socket))["status"] == "completed"

        # A position committed just before completion, whose broadcast comes late.
        late = await database_sync_to_async(LocationUpdateFactory)(request=en_route_request)
        await database_sync_to_async(events.broadcast_location)(late)
        assert await socket.receive_nothing(timeout=0.5)


@own_loop
async def test_a_batch_flushed_late_does_not_move_the_marker_back(en_route_request, professional):
    async with watching(en_route_request.pk, token=token_for(professional)) as (_, socket):
        await next_message(socket)  # status
        await post_batch(professional, en_route_request, track_json(1))
        assert (await next_message(socket))["type"] == "location"

        await post_batch(professional, en_route_request, track_json(2, newest_seconds_ago=600))
        assert await socket.receive_nothing(timeout=0.5)


@own_loop
async def test_a_professional_loses_the_feed_when_another_takes_the_offer(
    open_request, professional, other_professional
):
    async with watching(open_request.pk, token=token_for(professional)) as (_, socket):
        assert (await next_message(socket))["status"] == "requested"

        await database_sync_to_async(request_services.service_request_accept)(
            request_id=open_request.pk, professional=other_professional
        )

        assert await close_code(socket) == 4404


@own_loop
async def test_the_winner_of_the_offer_keeps_the_feed(open_request, professional):
    async with watching(open_request.pk, token=token_for(professional)) as (_, socket):
        assert (await next_message(socket))["status"] == "requested"
        await database_sync_to_async(request_services.service_request_accept)(
            request_id=open_request.pk, professional=professional
        )
        assert (await next_message(socket))["status"] == "assigned"


# --- From the client ----------------------------------------------------------------------------


@own_loop
async def test_the_socket_answers_ping_and_refuses_anything_else(en_route_request, customer):
    async with watching(en_route_request.pk, token=token_for(customer)) as (_, socket):
        await next_message(socket)  # status

        await socket.send_json_to({"type": "ping"})
        assert await next_message(socket) == {"type": "pong"}

        await socket.send_json_to({"type": "location", "latitude": 1, "longitude": 2})
        refused = await next_message(socket)
        await socket.send_to(text_data="{not json")
        garbled = await next_message(socket)

    assert refused["type"] == garbled["type"] == "error"
    assert refused["code"] == "read_only"
    assert f"/api/v1/requests/{en_route_request.pk}/locations/" in refused["detail"]


@own_loop
async def test_a_watcher_left_idle_longer_than_the_redis_read_timeout_still_gets_the_next_message(
    en_route_request, customer_cookie, professional
):
    # A customer watching a professional stuck in traffic may hear nothing for a while. The
    # channel layer waits for messages with a blocking Redis read of up to 5 s; a client read
    # timeout of 5 s or less (redis-py's default since 8.1) would crash the consumer right
    # there and drop the socket.
    async with watching(en_route_request.pk, cookie=customer_cookie) as (_, socket):
        assert (await next_message(socket))["type"] == "status"
        await asyncio.sleep(6.5)
        await post_batch(professional, en_route_request, track_json(1))

        location = await next_message(socket)

    assert location["type"] == "location"


@own_loop
async def test_a_position_reaches_the_watcher_while_the_shared_sync_thread_is_busy(
    en_route_request, professional
):
    """A position is sent straight from the event loop: no trip through the one thread that
    every ``sync_to_async`` call shares (Channels would close old database connections there
    before each message, one watcher after another)."""
    async with watching(en_route_request.pk, token=token_for(professional)) as (_, socket):
        await next_message(socket)  # status
        point = await database_sync_to_async(LocationUpdateFactory)(
            request=en_route_request, reported_by=professional, latitude=Decimal("12.97")
        )
        event = await database_sync_to_async(lambda: events.group_event(events.location_message(point)))()
        release = threading.Event()
        busy = asyncio.ensure_future(sync_to_async(release.wait)())
        try:
            await get_channel_layer().group_send(f"request_{en_route_request.pk}", event)
            heard = await next_message(socket)
        finally:
            release.set()
            await busy
        assert heard["point"]["latitude"] == "12.970000"
