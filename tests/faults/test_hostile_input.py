"""Garbage from a client, unauthenticated: a 4xx with ``{code, detail}``, never a 500 or HTML."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.mark.parametrize("depth", [1000, 100_000])
def test_deeply_nested_json_is_a_400(depth):
    response = Client(raise_request_exception=False).post(
        TOKEN_URL, data="[" * depth, content_type="application/json"
    )

    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "parse_error"
    assert "nested" in response.json()["detail"]


def test_json_nested_within_the_limit_is_parsed():
    # 20 levels: a real client's body; the endpoint then refuses it as a bad login, not a parse error.
    body = '{"email": ' + "[" * 20 + "]" * 20 + ', "password": "x"}'

    response = Client().post(TOKEN_URL, data=body, content_type="application/json")

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"


def test_an_11_mb_json_body_is_a_413_in_json():
    body = '{"email": "' + "a" * (11 * 1024 * 1024) + '"}'

    client = Client(raise_request_exception=False)
    response = client.post(TOKEN_URL, data=body, content_type="application/json")

    assert response.status_code == 413, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "request_too_large",
        "detail": "The request body is larger than 10 MB.",
    }


def test_an_11_mb_form_to_a_page_is_a_413_page():
    body = "email=" + "a" * (11 * 1024 * 1024)

    response = Client(raise_request_exception=False).post(
        "/accounts/login/", data=body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
