"""A native app's WebSocket authenticates with its access token in the subprotocol header
(``Sec-WebSocket-Protocol: bearer, <JWT>``), not in the URL; the handshake answers ``bearer``
and never echoes the token. And a ``token=`` that does reach a URL is redacted in log lines."""

import logging

import pytest
from channels.testing import WebsocketCommunicator
from rest_framework_simplejwt.tokens import AccessToken

from householdsvc.asgi import application
from householdsvc.core.logging import RedactSecretsFilter
from requests_app.models import Status
from tests.requests_app.factories import request_in_state
from tests.tracking.test_websocket import own_loop

pytestmark = pytest.mark.django_db(transaction=True)
TIMEOUT = 5


@pytest.fixture
def en_route(customer, service, professional):
    return request_in_state(Status.EN_ROUTE, customer=customer, service=service, professional=professional)


@own_loop
async def test_a_token_in_the_subprotocol_header_opens_the_feed(en_route, customer):
    communicator = WebsocketCommunicator(
        application,
        f"/ws/requests/{en_route.pk}/",
        subprotocols=["bearer", str(AccessToken.for_user(customer))],
    )
    connected, subprotocol = await communicator.connect(timeout=TIMEOUT)
    try:
        assert (connected, subprotocol) == (True, "bearer")
        assert (await communicator.receive_json_from(timeout=TIMEOUT))["status"] == "en_route"
    finally:
        await communicator.disconnect()


@own_loop
async def test_a_bad_token_in_the_subprotocol_header_is_closed_with_4401(en_route):
    communicator = WebsocketCommunicator(
        application, f"/ws/requests/{en_route.pk}/", subprotocols=["bearer", "not.a.token"]
    )
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert connected
    message = await communicator.receive_output(timeout=TIMEOUT)
    assert (message["type"], message["code"]) == ("websocket.close", 4401)


@own_loop
async def test_someone_elses_token_in_the_header_gets_no_feed(en_route, other_customer):
    communicator = WebsocketCommunicator(
        application,
        f"/ws/requests/{en_route.pk}/",
        subprotocols=["bearer", str(AccessToken.for_user(other_customer))],
    )
    await communicator.connect(timeout=TIMEOUT)
    message = await communicator.receive_output(timeout=TIMEOUT)
    assert (message["type"], message["code"]) == ("websocket.close", 4404)


def access_line(path: str) -> logging.LogRecord:
    """A line as uvicorn's access logger makes it (its format and arguments)."""
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", path, "1.1", 101),
        None,
    )


def test_a_token_in_a_logged_url_is_redacted():
    record = access_line("/ws/requests/7/?token=eyJhbGciOi.eyJ1c2VyIjo.c2lnbmF0dXJl&lang=hi")

    assert RedactSecretsFilter().filter(record) is True
    assert (
        record.getMessage() == '127.0.0.1:5000 - "GET /ws/requests/7/?token=[redacted]&lang=hi HTTP/1.1" 101'
    )


def test_a_line_without_secrets_is_left_as_it_was():
    record = access_line("/api/v1/requests/?page=2")

    assert RedactSecretsFilter().filter(record) is True
    assert record.getMessage() == '127.0.0.1:5000 - "GET /api/v1/requests/?page=2 HTTP/1.1" 101'
    assert record.args is not None  # untouched: formatted lazily as before
