"""E-mail confirmation at sign-up, required before a first booking (customer) or job
(professional); existing users count as confirmed (a data migration), as do test factories."""

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from requests_app.models import ServiceRequest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_per_request")]
CONFIRM_LINK = re.compile(r"http://[^/]+(?P<path>/accounts/confirm/(?P<uid>[^/]+)/(?P<token>[^/]+)/)")
SIGNUP = {
    "role": "customer",
    "email": "newbie@example.com",
    "password": "a-good-long-password-1",
    "full_name": "New Bie",
    "address": "1 Main Road",
    "pin_code": "560001",
}


def booking(service):
    return {
        "service": service.pk,
        "description": "Kitchen, please",
        "address": "1 Main Road",
        "pin_code": "560001",
    }


def sign_up(api_client):
    assert api_client.post("/api/v1/auth/register/", SIGNUP).status_code == 201
    return User.objects.get(email="newbie@example.com")


def test_sign_up_mails_a_confirmation_link_and_starts_unconfirmed(api_client):
    user = sign_up(api_client)
    assert user.email_confirmed_at is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Confirm your householdsvc e-mail address"
    assert CONFIRM_LINK.search(mail.outbox[0].body)
    me = api_client.post("/api/v1/auth/token/", {"email": SIGNUP["email"], "password": SIGNUP["password"]})
    assert me.status_code == 200


def test_an_unconfirmed_customer_cannot_book_and_nothing_is_written(api_client, client_for, service):
    user = sign_up(api_client)
    response = client_for(user).post("/api/v1/requests/", booking(service))
    assert response.status_code == 403
    assert response.json()["code"] == "email_unconfirmed"
    assert ServiceRequest.objects.count() == 0


def test_following_the_link_confirms_and_the_booking_goes_through(api_client, client_for, service):
    user = sign_up(api_client)
    path = CONFIRM_LINK.search(mail.outbox[0].body).group("path")
    assert Client().get(path).status_code == 302
    user.refresh_from_db()
    assert user.email_confirmed_at is not None
    assert client_for(user).post("/api/v1/requests/", booking(service)).status_code == 201
    assert Client().get(path).status_code == 400  # used once


def test_api_confirm_with_the_link_parts_and_a_tampered_token(api_client):
    user = sign_up(api_client)
    link = CONFIRM_LINK.search(mail.outbox[0].body)
    bad = api_client.post("/api/v1/auth/email/confirm/", {"uid": link.group("uid"), "token": "abc-def"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_link"
    good = api_client.post(
        "/api/v1/auth/email/confirm/", {"uid": link.group("uid"), "token": link.group("token")}
    )
    assert good.status_code == 204
    user.refresh_from_db()
    assert user.email_confirmed_at is not None


def test_resend_mails_a_new_link_and_refuses_once_confirmed(api_client, client_for, customer):
    user = sign_up(api_client)
    assert client_for(user).post("/api/v1/auth/email/resend/").status_code == 202
    assert len(mail.outbox) == 2
    done = client_for(customer).post("/api/v1/auth/email/resend/")
    assert done.status_code == 409
    assert done.json()["code"] == "already_confirmed"


def test_an_unconfirmed_customer_is_told_on_the_profile_page(api_client, service):
    user = sign_up(api_client)
    client = Client()
    client.force_login(user)
    assert "Your e-mail address is not confirmed yet" in client.get("/accounts/profile/").content.decode()


def test_an_unconfirmed_professional_cannot_take_a_job(client_for, professional, customer, service):
    from tests.requests_app.factories import ServiceRequestFactory

    service_request = ServiceRequestFactory(customer=customer, service=service, pin_code="560001")
    User.objects.filter(pk=professional.pk).update(email_confirmed_at=None)
    professional.refresh_from_db()
    response = client_for(professional).post(f"/api/v1/requests/{service_request.pk}/accept/")
    assert response.status_code == 403
    assert response.json()["code"] == "email_unconfirmed"
    service_request.refresh_from_db()
    assert service_request.status == "requested"


def test_the_migration_confirms_existing_users_as_of_their_sign_up(customer):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0003_people_existing_users_confirmed")
    User.objects.filter(pk=customer.pk).update(email_confirmed_at=None)
    migration.confirm_existing(apps, None)
    customer.refresh_from_db()
    assert customer.email_confirmed_at == customer.created_at
