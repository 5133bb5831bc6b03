"""The production run: proxy trust from DJANGO_NUM_PROXIES, no token in a log line, WebSocket
auth for native apps (no Origin; a one-time ticket), and nothing sticky between web processes."""

import json
import re
import secrets
import sys

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from rest_framework_simplejwt.tokens import RefreshToken
from websockets.sync.client import connect

from householdsvc.serve import uvicorn_args
from requests_app.models import Status
from tests.accounts.factories import PASSWORD, CustomerFactory, ProfessionalFactory
from tests.catalog.factories import ServiceFactory
from tests.requests_app.factories import request_in_state
from tests.tracking.factories import track_json

QUICK = 5


def test_uvicorn_trusts_proxy_headers_only_as_deep_as_django_num_proxies():
    assert uvicorn_args({"PORT": "9000", "WEB_CONCURRENCY": "2"}) == [
        "householdsvc.asgi:application",
        *("--host", "0.0.0.0", "--port", "9000", "--workers", "2"),
        *("--ws-per-message-deflate", "false"),
        "--no-proxy-headers",
    ]
    assert uvicorn_args({"DJANGO_NUM_PROXIES": "1", "DJANGO_FORWARDED_ALLOW_IPS": "10.0.0.5"})[-3:] == [
        "--proxy-headers",
        "--forwarded-allow-ips",
        "10.0.0.5",
    ]


@pytest.fixture
def production(serve, own_redis, test_database_url):
    """``python -m householdsvc.serve`` on the production settings, as the README runs it."""
    return serve(
        command=[sys.executable, "-m", "householdsvc.serve"],
        DJANGO_SETTINGS_MODULE="householdsvc.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DATABASE_URL=test_database_url,
        REDIS_URL=own_redis.url,
        DJANGO_BIND_HOST="127.0.0.1",
        WEB_CONCURRENCY="1",
    )


pytestmark = pytest.mark.django_db(transaction=True)


def production_user(**fields):
    """A customer whose password the production hashers read (the test run's MD5 they do not)."""
    user = CustomerFactory(**fields)
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "saltsaltsalt", iterations=1000)
    user.save(update_fields=["password"])
    return user


def access_token(server, email):
    """A token the server signed (its secret key is not the test run's)."""
    response = requests.post(
        f"{server.url}/api/v1/auth/token/", json={"email": email, "password": PASSWORD}, timeout=QUICK
    )
    assert response.status_code == 200, response.text
    return response.json()["access"]


def test_made_up_forwarded_for_addresses_do_not_reset_the_login_throttle(production):
    statuses = [
        requests.post(
            f"{production.url}/api/v1/auth/token/",
            json={"email": "alice@example.com", "password": "guess"},
            headers={"X-Forwarded-For": f"198.51.100.{attempt}"},
            timeout=QUICK,
        ).status_code
        for attempt in range(12)
    ]

    assert statuses == [401] * 10 + [429] * 2


def test_no_token_reaches_the_access_log(production):
    alice = production_user(email="alice@example.com")
    service_request = request_in_state(Status.REQUESTED, customer=alice, service=ServiceFactory())
    token = access_token(production, alice.email)

    requests.get(f"{production.url}/api/v1/requests/?token={token}", timeout=QUICK)
    with connect(
        f"{production.ws_url}/ws/requests/{service_request.pk}/?token={token}", open_timeout=QUICK
    ) as ws:
        # A native app: no Origin header, a valid token; let in.
        assert json.loads(ws.recv(timeout=QUICK))["status"] == "requested"

    log = production.output()
    assert token not in log
    assert f"/ws/requests/{service_request.pk}/?token=[redacted]" in log
    assert "/api/v1/requests/?token=[redacted]" in log


def test_a_one_time_ticket_opens_one_socket(production):
    alice = production_user(email="alice@example.com")
    service_request = request_in_state(Status.REQUESTED, customer=alice, service=ServiceFactory())
    bearer = {"Authorization": f"Bearer {access_token(production, alice.email)}"}

    issued = requests.post(f"{production.url}/api/v1/ws-ticket/", headers=bearer, timeout=QUICK)
    assert issued.status_code == 201, issued.text
    assert issued.json()["expires_in"] == 30
    url = f"{production.ws_url}/ws/requests/{service_request.pk}/?ticket={issued.json()['ticket']}"
    with connect(url, open_timeout=QUICK) as ws:
        assert json.loads(ws.recv(timeout=QUICK))["status"] == "requested"
        # Offered by the client, declined by the server: frames go uncompressed.
        assert "permessage-deflate" in ws.request.headers["Sec-WebSocket-Extensions"]
        assert "Sec-WebSocket-Extensions" not in ws.response.headers
    with connect(url, open_timeout=QUICK) as ws, pytest.raises(Exception) as refused:
        ws.recv(timeout=QUICK)
    assert refused.value.rcvd.code == 4401
    assert issued.json()["ticket"] not in production.output()


def test_a_cookie_session_from_another_site_is_refused(production):
    alice = CustomerFactory(email="alice@example.com")
    service_request = request_in_state(Status.REQUESTED, customer=alice, service=ServiceFactory())

    with pytest.raises(Exception) as refused:
        connect(
            f"{production.ws_url}/ws/requests/{service_request.pk}/",
            additional_headers={"Origin": "https://evil.example", "Cookie": "sessionid=whatever"},
            open_timeout=QUICK,
        )
    assert "403" in str(refused.value)


# --- Nothing sticky: two web processes on the same PostgreSQL and Redis ----------------------


def test_a_log_in_and_a_point_on_one_process_reach_the_other(serve, own_redis, test_database_url):
    env = {"DATABASE_URL": test_database_url, "REDIS_URL": own_redis.url}
    one, other = serve(**env), serve(**env)
    alice = CustomerFactory(email="alice@example.com")
    service = ServiceFactory()
    carol = ProfessionalFactory(email="carol@example.com", professional_profile__service=service)
    carol_request = request_in_state(Status.EN_ROUTE, customer=alice, service=service, professional=carol)

    browser = requests.Session()
    page = browser.get(f"{one.url}/accounts/login/", timeout=QUICK)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    logged_in = browser.post(
        f"{one.url}/accounts/login/",
        data={"csrfmiddlewaretoken": csrf, "username": alice.email, "password": PASSWORD},
        headers={"Referer": f"{one.url}/accounts/login/"},
        allow_redirects=False,
        timeout=QUICK,
    )
    assert logged_in.status_code == 302
    profile = browser.get(f"{other.url}/accounts/profile/", allow_redirects=False, timeout=QUICK)
    assert profile.status_code == 200, (profile.status_code, profile.headers.get("Location"))

    token = RefreshToken.for_user(alice).access_token
    with connect(f"{other.ws_url}/ws/requests/{carol_request.pk}/?token={token}", open_timeout=QUICK) as ws:
        assert json.loads(ws.recv(timeout=QUICK))["type"] == "status"
        posted = requests.post(
            f"{one.url}/api/v1/requests/{carol_request.pk}/locations/",
            json={"points": track_json(2)},
            headers={"Authorization": f"Bearer {RefreshToken.for_user(carol).access_token}"},
            timeout=QUICK,
        )
        assert posted.status_code == 201, posted.text
        heard = json.loads(ws.recv(timeout=QUICK))
    assert heard["type"] == "location"
    assert heard["point"]["latitude"] == track_json(2)[-1]["latitude"]
