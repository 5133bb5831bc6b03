"""Redis stopped under a running server (uvicorn, the project's Redis cache, channel layer and
broker all on a Redis of the test's own): people still sign up, log in and use the site and the
API; live tracking refuses cleanly and works again as soon as Redis is back."""

import json
import re
import time

import pytest
import requests
from rest_framework_simplejwt.tokens import RefreshToken
from websockets.sync.client import connect

from requests_app.models import Status
from tests.accounts.factories import PASSWORD, CustomerFactory
from tests.catalog.factories import ServiceFactory
from tests.requests_app.factories import request_in_state

pytestmark = pytest.mark.django_db(transaction=True)

# Within this a request must answer whatever is down.
QUICK = 5


@pytest.fixture
def server(serve, own_redis, test_database_url):
    # Tasks go through the broker (the same Redis), as in production.
    return serve(DATABASE_URL=test_database_url, REDIS_URL=own_redis.url, CELERY_TASK_ALWAYS_EAGER="false")


def site_log_in(server, email):
    session = requests.Session()
    page = session.get(f"{server.url}/accounts/login/", timeout=QUICK)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{server.url}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD},
        headers={"Referer": f"{server.url}/accounts/login/"},
        allow_redirects=False,
        timeout=QUICK,
    )
    return session, response


def test_with_redis_down_sign_up_log_in_pages_and_the_api_still_serve(server, own_redis):
    alice = CustomerFactory(email="alice@example.com")
    service = ServiceFactory(name="Deep cleaning")
    own_redis.stop()

    token = requests.post(
        f"{server.url}/api/v1/auth/token/",
        json={"email": "alice@example.com", "password": PASSWORD},
        timeout=QUICK,
    )
    signed_up = requests.post(
        f"{server.url}/api/v1/auth/register/",
        json={
            "role": "customer",
            "email": "zoe@example.com",
            "password": PASSWORD,
            "full_name": "Zoe Customer",
            "phone": "+91 98450 00000",
            "address": "12 MG Road",
            "pin_code": "560001",
        },
        timeout=QUICK,
    )
    session, site_login = site_log_in(server, alice.email)
    home = session.get(f"{server.url}/", timeout=QUICK)
    listing = requests.get(
        f"{server.url}/api/v1/requests/",
        headers={"Authorization": f"Bearer {token.json()['access'] if token.ok else ''}"},
        timeout=QUICK,
    )
    booked = requests.post(
        f"{server.url}/api/v1/requests/",
        json={"service": service.pk, "description": "Clean the flat."},
        headers={"Authorization": f"Bearer {token.json()['access'] if token.ok else ''}"},
        timeout=QUICK,
    )

    assert token.status_code == 200, token.text[:500]
    assert signed_up.status_code == 201, signed_up.text[:500]
    assert (site_login.status_code, site_login.headers.get("Location")) == (302, "/")
    assert home.status_code == 200
    assert listing.status_code == 200, listing.text[:500]
    assert booked.status_code == 201, booked.text[:500]
    assert "login throttle counts in this process, the cache is down" in server.output()


def watch(server, service_request, user):
    token = RefreshToken.for_user(user).access_token
    return connect(
        f"{server.ws_url}/ws/requests/{service_request.pk}/?token={token}",
        additional_headers={"Origin": server.url},
        open_timeout=QUICK,
        close_timeout=1,
    )


def test_with_redis_down_live_tracking_refuses_cleanly_and_recovers_when_it_returns(server, own_redis):
    alice = CustomerFactory(email="alice@example.com")
    service_request = request_in_state(Status.REQUESTED, customer=alice, service=ServiceFactory())
    own_redis.stop()

    # Accepted, then closed with "try again later", not a 500 on the handshake.
    with watch(server, service_request, alice) as socket, pytest.raises(Exception) as closed:
        socket.recv(timeout=QUICK)
    assert getattr(closed.value, "rcvd", None) is not None, closed.value
    assert closed.value.rcvd.code == 4503

    own_redis.start()
    started = time.monotonic()
    for _ in range(5):  # every handshake, not only the first one lucky enough to get a fresh connection
        with watch(server, service_request, alice) as socket:
            first = json.loads(socket.recv(timeout=QUICK))
        assert (first["type"], first["status"]) == ("status", "requested")
    assert time.monotonic() - started < 3

    # And changes flow through the layer again: the customer cancels, the watcher hears it.
    with watch(server, service_request, alice) as socket:
        socket.recv(timeout=QUICK)
        cancelled = requests.post(
            f"{server.url}/api/v1/requests/{service_request.pk}/cancel/",
            json={},
            headers={"Authorization": f"Bearer {RefreshToken.for_user(alice).access_token}"},
            timeout=QUICK,
        )
        assert cancelled.status_code == 200, cancelled.text[:300]
        heard = json.loads(socket.recv(timeout=QUICK))
    assert (heard["type"], heard["status"]) == ("status", "cancelled")
