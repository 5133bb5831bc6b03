"""Access tokens end with a log-out or a password change (not only at their expiry): the old
access token gets a 401 on the API and the WebSocket refuses it; a new pair works at once; a
device that still holds its own refresh token refreshes and carries on. No extra query."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core import mail
from django.test import Client

from householdsvc.asgi import application
from tests.accounts.factories import PASSWORD
from tests.tracking.test_websocket import ORIGIN, own_loop

NEW_PASSWORD = "a-brand-new-secret-42"


def log_in(api_client, user, password=PASSWORD) -> dict:
    response = api_client.post("/api/v1/auth/token/", {"email": user.email, "password": password})
    assert response.status_code == 200
    return response.json()


def me(api_client, access):
    return api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {access}")


@pytest.mark.django_db
def test_after_an_api_logout_the_old_access_token_is_a_401(api_client, customer):
    pair = log_in(api_client, customer)
    assert me(api_client, pair["access"]).status_code == 200
    assert api_client.post("/api/v1/auth/logout/", {"refresh": pair["refresh"]}).status_code == 204
    refused = me(api_client, pair["access"])
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_not_valid"
    # Logging in again works at once.
    assert me(api_client, log_in(api_client, customer)["access"]).status_code == 200


@pytest.mark.django_db
def test_another_device_refreshes_after_a_logout_elsewhere(api_client, customer):
    phone, tablet = log_in(api_client, customer), log_in(api_client, customer)
    api_client.post("/api/v1/auth/logout/", {"refresh": phone["refresh"]})
    assert me(api_client, tablet["access"]).status_code == 401
    refreshed = api_client.post("/api/v1/auth/token/refresh/", {"refresh": tablet["refresh"]})
    assert refreshed.status_code == 200
    assert me(api_client, refreshed.json()["access"]).status_code == 200


@pytest.mark.django_db
def test_after_a_password_change_the_old_access_token_is_a_401_and_the_new_pair_works(api_client, customer):
    pair = log_in(api_client, customer)
    changed = api_client.post(
        "/api/v1/auth/password/change/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        HTTP_AUTHORIZATION=f"Bearer {pair['access']}",
    )
    assert changed.status_code == 200
    assert me(api_client, pair["access"]).status_code == 401
    assert me(api_client, changed.json()["access"]).status_code == 200


@pytest.mark.django_db
def test_after_a_password_reset_the_old_access_token_is_a_401(
    api_client, customer, django_capture_on_commit_callbacks
):
    import re

    pair = log_in(api_client, customer)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/password/reset/", {"email": customer.email})
    link = re.search(r"http://testserver(/accounts/password/reset/[^/]+/[^/]+/)", mail.outbox[0].body).group(
        1
    )
    form = {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}
    assert Client().post(link, form).status_code == 302
    assert me(api_client, pair["access"]).status_code == 401


@pytest.mark.django_db
def test_the_check_costs_no_query(api_client, customer, django_assert_max_num_queries):
    pair = log_in(api_client, customer)
    api_client.post("/api/v1/auth/logout/", {"refresh": log_in(api_client, customer)["refresh"]})
    fresh = log_in(api_client, customer)
    # The user row (read for every token anyway) and the profile joins of /me/.
    with django_assert_max_num_queries(2):
        assert me(api_client, fresh["access"]).status_code == 200
    with django_assert_max_num_queries(1):
        assert me(api_client, pair["access"]).status_code == 401


async def socket_for(access):
    socket = WebsocketCommunicator(application, f"/ws/me/?token={access}", headers=[ORIGIN])
    await socket.connect()
    return socket


@pytest.mark.django_db(transaction=True)
@own_loop
async def test_the_websocket_refuses_an_access_token_ended_by_a_logout(customer):
    from rest_framework.test import APIClient

    api_client = APIClient()
    pair = await database_sync_to_async(log_in)(api_client, customer)
    socket = await socket_for(pair["access"])
    assert await socket.receive_json_from(timeout=5) == {"type": "unread", "unread": 0}
    await socket.disconnect()

    logout = await database_sync_to_async(api_client.post)(
        "/api/v1/auth/logout/", {"refresh": pair["refresh"]}
    )
    assert logout.status_code == 204
    socket = await socket_for(pair["access"])
    assert await socket.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}


@pytest.mark.django_db(transaction=True)
@own_loop
async def test_the_websocket_refuses_an_access_token_ended_by_a_password_change(customer):
    from rest_framework.test import APIClient

    api_client = APIClient()
    pair = await database_sync_to_async(log_in)(api_client, customer)
    changed = await database_sync_to_async(api_client.post)(
        "/api/v1/auth/password/change/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        HTTP_AUTHORIZATION=f"Bearer {pair['access']}",
    )
    assert changed.status_code == 200
    socket = await socket_for(pair["access"])
    assert await socket.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}
    socket = await socket_for(changed.json()["access"])
    assert await socket.receive_json_from(timeout=5) == {"type": "unread", "unread": 0}
    await socket.disconnect()
