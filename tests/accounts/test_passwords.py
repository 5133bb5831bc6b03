"""Password reset by e-mail, password change, logout: web pages and API, on PostgreSQL."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.passwords import uid_for
from tests.accounts.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_per_request")]
NEW_PASSWORD = "a-brand-new-secret-42"
RESET_LINK = re.compile(r"http://testserver/accounts/password/reset/(?P<uid>[^/]+)/(?P<token>[^/]+)/")
API_RESET_LINK = re.compile(
    r"http://127\.0\.0\.1:8000/accounts/password/reset/(?P<uid>[^/]+)/(?P<token>[^/]+)/"
)
SAME_ANSWER = "If an account uses this address, we have e-mailed it a link to choose a new password."


def logged_in(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def web_reset_link(client, email):
    client.post("/accounts/password/reset/", {"email": email})
    return RESET_LINK.search(mail.outbox[-1].body)


# --- web ----------------------------------------------------------------------------------


def test_forgot_password_mails_a_link_that_sets_the_new_password(customer):
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": "ALICE@example.com"})
    assert response.status_code == 200
    assert SAME_ANSWER in response.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.com"]
    link = RESET_LINK.search(mail.outbox[0].body)

    assert client.get(link.group(0)).status_code == 200
    response = client.post(link.group(0), {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert Client().login(email="alice@example.com", password=NEW_PASSWORD)
    assert not Client().login(email="alice@example.com", password=PASSWORD)


def test_unknown_address_gets_the_same_answer_and_no_mail(db):
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 200
    assert SAME_ANSWER in response.content.decode()
    assert mail.outbox == []


def test_reset_link_works_once(customer):
    client = Client()
    link = web_reset_link(client, customer.email).group(0)
    client.post(link, {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    assert client.get(link).status_code == 400
    again = client.post(
        link, {"new_password": "yet-another-one-77", "new_password_again": "yet-another-one-77"}
    )
    assert again.status_code == 400
    assert Client().login(email=customer.email, password=NEW_PASSWORD)


def test_reset_link_expires(customer, settings):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    generator = default_token_generator
    # A token made 3,601 seconds ago (Django's own maker, with an earlier timestamp).
    issued = generator._num_seconds(generator._now()) - 3601
    token = generator._make_token_with_timestamp(customer, issued, generator.secret)
    link = f"/accounts/password/reset/{uid_for(customer)}/{token}/"
    response = Client().post(link, {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    assert response.status_code == 400
    fresh = generator._make_token_with_timestamp(customer, issued + 2, generator.secret)
    assert Client().get(f"/accounts/password/reset/{uid_for(customer)}/{fresh}/").status_code == 200
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


def test_tampered_reset_link_is_refused(customer, other_customer):
    match = web_reset_link(Client(), customer.email)
    other_uid = RESET_LINK.search(web_reset_link(Client(), other_customer.email).group(0)).group("uid")
    for url in (
        f"/accounts/password/reset/{match.group('uid')}/{match.group('token')[:-1]}x/",
        f"/accounts/password/reset/{other_uid}/{match.group('token')}/",
        f"/accounts/password/reset/!!!/{match.group('token')}/",
    ):
        assert (
            Client().post(url, {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}).status_code
            == 400
        )
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


def test_reset_ends_the_old_sessions_and_refresh_tokens(customer, api_client):
    old_session = logged_in(customer)
    refresh = str(RefreshToken.for_user(customer))
    link = web_reset_link(Client(), customer.email).group(0)
    Client().post(link, {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})

    assert old_session.get("/accounts/profile/").status_code == 302
    response = api_client.post("/api/v1/auth/token/refresh/", {"refresh": refresh})
    assert response.status_code == 401


def test_weak_new_password_is_refused_on_the_page(customer):
    client = Client()
    link = web_reset_link(client, customer.email).group(0)
    response = client.post(link, {"new_password": "12345678", "new_password_again": "12345678"})
    assert response.status_code == 200
    assert "This password is entirely numeric." in response.content.decode()
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


def test_password_change_keeps_this_session_and_ends_the_others(customer, api_client):
    this_one, other_one = logged_in(customer), logged_in(customer)
    refresh = str(RefreshToken.for_user(customer))
    response = this_one.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert this_one.get("/accounts/profile/").status_code == 200
    assert other_one.get("/accounts/profile/").status_code == 302
    assert api_client.post("/api/v1/auth/token/refresh/", {"refresh": refresh}).status_code == 401


def test_password_change_with_a_wrong_current_password_changes_nothing(customer):
    client = logged_in(customer)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": "not-it", "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Your current password is not right." in response.content.decode()
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


def test_web_logout_ends_the_session(customer):
    client = logged_in(customer)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/accounts/profile/").status_code == 302


# --- API ----------------------------------------------------------------------------------


def test_api_reset_is_202_either_way_and_mails_only_a_real_account(api_client, customer):
    for email in ("alice@example.com", "nobody@example.com"):
        response = api_client.post("/api/v1/auth/password/reset/", {"email": email})
        assert response.status_code == 202
        assert response.json() == {"detail": SAME_ANSWER}
    assert len(mail.outbox) == 1


def test_api_reset_confirm_sets_the_password_once(api_client, customer):
    api_client.post("/api/v1/auth/password/reset/", {"email": customer.email})
    link = API_RESET_LINK.search(mail.outbox[0].body)
    body = {"uid": link.group("uid"), "token": link.group("token"), "new_password": NEW_PASSWORD}
    assert api_client.post("/api/v1/auth/password/reset/confirm/", body).status_code == 204
    again = api_client.post(
        "/api/v1/auth/password/reset/confirm/", {**body, "new_password": "other-secret-99"}
    )
    assert again.status_code == 400
    assert again.json()["code"] == "invalid_link"
    assert Client().login(email=customer.email, password=NEW_PASSWORD)


def test_api_reset_confirm_with_a_weak_password_is_a_400_on_new_password(api_client, customer):
    api_client.post("/api/v1/auth/password/reset/", {"email": customer.email})
    link = API_RESET_LINK.search(mail.outbox[0].body)
    body = {"uid": link.group("uid"), "token": link.group("token"), "new_password": "password"}
    response = api_client.post("/api/v1/auth/password/reset/confirm/", body)
    assert response.status_code == 400
    assert response.json()["errors"] == {"new_password": ["This password is too common."]}


def test_api_password_change_revokes_every_refresh_token_and_returns_a_new_pair(
    client_for, customer, api_client
):
    old_refreshes = [str(RefreshToken.for_user(customer)) for _ in range(2)]
    response = client_for(customer).post(
        "/api/v1/auth/password/change/", {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    for refresh in old_refreshes:
        assert api_client.post("/api/v1/auth/token/refresh/", {"refresh": refresh}).status_code == 401
    new = api_client.post("/api/v1/auth/token/refresh/", {"refresh": response.json()["refresh"]})
    assert new.status_code == 200


def test_api_password_change_with_a_wrong_old_password_is_a_400(client_for, customer):
    response = client_for(customer).post(
        "/api/v1/auth/password/change/", {"old_password": "nope", "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"old_password": ["Your current password is not right."]}


def test_api_logout_revokes_the_refresh_token(api_client, customer):
    pair = api_client.post("/api/v1/auth/token/", {"email": customer.email, "password": PASSWORD}).json()
    assert api_client.post("/api/v1/auth/logout/", {"refresh": pair["refresh"]}).status_code == 204
    refused = api_client.post("/api/v1/auth/token/refresh/", {"refresh": pair["refresh"]})
    assert refused.status_code == 401
    again = api_client.post("/api/v1/auth/logout/", {"refresh": pair["refresh"]})
    assert again.status_code == 401
    assert again.json()["code"] == "token_not_valid"


def test_api_logout_with_garbage_is_a_401_and_without_a_token_a_400(api_client, db):
    assert api_client.post("/api/v1/auth/logout/", {"refresh": "garbage"}).status_code == 401
    assert api_client.post("/api/v1/auth/logout/", {}).status_code == 400


def test_refresh_rotates_and_the_used_refresh_token_is_revoked(api_client, customer):
    pair = api_client.post("/api/v1/auth/token/", {"email": customer.email, "password": PASSWORD}).json()
    rotated = api_client.post("/api/v1/auth/token/refresh/", {"refresh": pair["refresh"]})
    assert rotated.status_code == 200
    assert set(rotated.json()) == {"access", "refresh"}
    assert rotated.json()["refresh"] != pair["refresh"]
    assert api_client.post("/api/v1/auth/token/refresh/", {"refresh": pair["refresh"]}).status_code == 401
    assert BlacklistedToken.objects.filter(token__user=customer).count() == 1
