"""An access token's signature is checked once per process (accounts.authentication); what a
client sees must not change: a token seen before is still refused once it expires, a forged
twin of a good token is refused, and a block or a log-out still ends a token at once
(test_api_auth.py, test_token_end.py)."""

import time
from datetime import timedelta

import pytest

from accounts.tokens import AccessToken

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def me(api_client, token: str):
    return api_client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_token_accepted_before_is_refused_once_it_has_expired(api_client, customer):
    token = AccessToken.for_user(customer)
    token.set_exp(lifetime=timedelta(seconds=1))
    text = str(token)
    assert me(api_client, text).status_code == 200
    assert me(api_client, text).status_code == 200

    time.sleep(1.2)
    for _ in range(2):  # and stays refused
        refused = me(api_client, text)
        assert refused.status_code == 401
        assert refused.json()["code"] == "token_not_valid"


def test_a_forged_twin_of_an_accepted_token_is_refused(api_client, customer, professional):
    good = str(AccessToken.for_user(customer))
    assert me(api_client, good).status_code == 200
    # The same header and claims under another signature, and the signature of the customer's
    # token on the professional's claims.
    header, claims, signature = good.split(".")
    other = str(AccessToken.for_user(professional)).split(".")
    for forged in (f"{header}.{claims}.{other[2]}", f"{header}.{other[1]}.{signature}"):
        refused = me(api_client, forged)
        assert refused.status_code == 401
        assert refused.json()["code"] == "token_not_valid"
    assert me(api_client, good).json()["email"] == customer.email
