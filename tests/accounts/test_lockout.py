"""The per-account lockout after LOGIN_LOCKOUT_FAILURES failed log-ins, its e-mailed unlock
link, and the admins' unlock (API and back-office action)."""

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from tests.accounts.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_per_request")]
UNLOCK_LINK = re.compile(r"http://testserver(?P<path>/accounts/unlock/(?P<uid>[^/]+)/(?P<token>[^/]+)/)")
LOCKED = "Your account is locked after too many failed log-ins."


@pytest.fixture(autouse=True)
def _three_failures(settings):
    settings.LOGIN_LOCKOUT_FAILURES = 3


def fail_web_logins(email, times):
    for _ in range(times):
        Client().post("/accounts/login/", {"username": email, "password": "wrong-guess"})


def test_third_failure_locks_the_account_and_mails_an_unlock_link(customer):
    fail_web_logins(customer.email, 2)
    customer.refresh_from_db()
    assert (customer.failed_logins, customer.locked_at) == (2, None)
    assert mail.outbox == []

    fail_web_logins(customer.email, 1)
    customer.refresh_from_db()
    assert customer.failed_logins == 3
    assert customer.locked_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Your householdsvc account is locked"
    assert UNLOCK_LINK.search(mail.outbox[0].body)


def test_a_locked_account_is_refused_even_with_the_right_password_and_told_why(customer, api_client):
    fail_web_logins(customer.email, 3)
    response = Client().post("/accounts/login/", {"username": customer.email, "password": PASSWORD})
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    api = api_client.post("/api/v1/auth/token/", {"email": customer.email, "password": PASSWORD})
    assert api.status_code == 401
    assert api.json()["code"] == "account_locked"


def test_the_lock_is_not_revealed_to_a_wrong_password(customer, api_client):
    fail_web_logins(customer.email, 3)
    response = Client().post("/accounts/login/", {"username": customer.email, "password": "still-wrong"})
    assert LOCKED not in response.content.decode()
    assert "Please enter a correct email and password." in response.content.decode()
    api = api_client.post("/api/v1/auth/token/", {"email": customer.email, "password": "still-wrong"})
    assert api.json()["code"] == "invalid_credentials"


def test_failures_through_the_api_count_too_and_a_success_resets_the_count(customer, api_client):
    for _ in range(2):
        api_client.post("/api/v1/auth/token/", {"email": customer.email, "password": "wrong"})
    customer.refresh_from_db()
    assert customer.failed_logins == 2
    assert (
        api_client.post("/api/v1/auth/token/", {"email": customer.email, "password": PASSWORD}).status_code
        == 200
    )
    customer.refresh_from_db()
    assert customer.failed_logins == 0


def test_unlock_link_unlocks_once(customer):
    fail_web_logins(customer.email, 3)
    link = UNLOCK_LINK.search(mail.outbox[0].body)
    client = Client()
    assert client.get(link.group("path")).status_code == 200
    customer.refresh_from_db()
    assert customer.locked_at is not None  # a GET (a mail scanner) unlocks nothing
    assert client.post(link.group("path")).status_code == 302
    customer.refresh_from_db()
    assert (customer.failed_logins, customer.locked_at) == (0, None)
    assert Client().login(email=customer.email, password=PASSWORD)
    assert client.post(link.group("path")).status_code == 400


def test_api_unlock_with_the_link_parts(customer, api_client):
    fail_web_logins(customer.email, 3)
    link = UNLOCK_LINK.search(mail.outbox[0].body)
    bad = api_client.post("/api/v1/auth/unlock/", {"uid": link.group("uid"), "token": "1-x"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_link"
    good = api_client.post("/api/v1/auth/unlock/", {"uid": link.group("uid"), "token": link.group("token")})
    assert good.status_code == 204
    assert User.objects.get(pk=customer.pk).locked_at is None


def test_admin_unlocks_through_the_api(customer, admin_user, client_for):
    fail_web_logins(customer.email, 3)
    response = client_for(admin_user).post(f"/api/v1/users/{customer.pk}/unlock/")
    assert response.status_code == 200
    assert response.json()["locked_at"] is None
    assert response.json()["failed_logins"] == 0
    again = client_for(admin_user).post(f"/api/v1/users/{customer.pk}/unlock/")
    assert again.status_code == 409
    assert again.json()["code"] == "not_locked"


def test_a_customer_cannot_unlock_anybody(customer, other_customer, client_for):
    fail_web_logins(other_customer.email, 3)
    assert client_for(customer).post(f"/api/v1/users/{other_customer.pk}/unlock/").status_code == 403


def test_admin_unlock_action_in_the_back_office(customer, admin_user):
    fail_web_logins(customer.email, 3)
    client = Client()
    client.force_login(admin_user)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "unlock_users", "_selected_action": [customer.pk], "reason": ""},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.locked_at is None


def test_a_password_reset_lifts_the_lock(customer, api_client):
    fail_web_logins(customer.email, 3)
    api_client.post("/api/v1/auth/password/reset/", {"email": customer.email})
    link = re.search(r"/accounts/password/reset/(?P<uid>[^/]+)/(?P<token>[^/]+)/", mail.outbox[-1].body)
    body = {"uid": link.group("uid"), "token": link.group("token"), "new_password": "fresh-start-2026"}
    assert api_client.post("/api/v1/auth/password/reset/confirm/", body).status_code == 204
    assert Client().login(email=customer.email, password="fresh-start-2026")
