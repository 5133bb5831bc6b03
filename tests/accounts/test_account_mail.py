"""Account e-mails (password reset, e-mail confirmation, unlock link) go through the
notifications' retried delivery: a failing mail server never changes the HTTP answer (a reset
answers the same whether or not the address has an account) and the mail is retried until
sent; never shown in the bell; the link is wiped from the database once sent."""

import re
import time

import pytest
from django.core import mail
from django.test import Client

from accounts.models import Notification, NotificationDelivery
from tests.accounts.flaky_mail import flaky
from tests.exports.conftest import celery_worker  # noqa: F401 (a fixture: a real worker)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_per_request")]
SAME_ANSWER = "If an account uses this address, we have e-mailed it a link to choose a new password."
RESET_LINK = re.compile(r"http://testserver/accounts/password/reset/[^/]+/[^/]+/")


def test_a_failing_mail_server_changes_no_reset_answer_and_the_mail_is_retried(
    customer, api_client, settings
):
    backend = flaky(settings, fail_next=2)
    answers = []
    for email in ("alice@example.com", "nobody@example.com"):
        response = Client().post("/accounts/password/reset/", {"email": email})
        answers.append((response.status_code, SAME_ANSWER in response.content.decode()))
        api = api_client.post("/api/v1/auth/password/reset/", {"email": email})
        answers.append((api.status_code, api.json()))
    assert answers == [
        (200, True),
        (202, {"detail": SAME_ANSWER}),
        (200, True),
        (202, {"detail": SAME_ANSWER}),
    ]
    # Two resets of Alice's: the first one's two failures were retried, the second sent at once.
    assert backend.attempts == 4
    assert [m.to for m in mail.outbox] == [["alice@example.com"], ["alice@example.com"]]
    assert RESET_LINK.search(mail.outbox[0].body)
    deliveries = NotificationDelivery.objects.order_by("pk")
    assert [(d.state, d.attempts) for d in deliveries] == [("sent", 3), ("sent", 1)]


def test_a_mail_server_that_stays_down_still_answers_the_same(customer, settings):
    settings.NOTIFICATION_MAX_RETRIES = 2
    flaky(settings, fail_next=99)
    response = Client().post("/accounts/password/reset/", {"email": "alice@example.com"})
    assert (response.status_code, SAME_ANSWER in response.content.decode()) == (200, True)
    delivery = NotificationDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("failed", 3)
    assert "SMTPServerDisconnected" in delivery.last_error


def test_account_mails_are_not_in_the_bell_and_their_link_is_wiped_once_sent(customer):
    Client().post("/accounts/password/reset/", {"email": "alice@example.com"})
    notification = Notification.objects.get(recipient=customer)
    assert (notification.kind, notification.in_app, notification.title) == (
        "account",
        False,
        "Choose a new householdsvc password",
    )
    assert notification.email_text == ""
    client = Client()
    client.force_login(customer)
    assert '<span id="bell-count" class="badge">0</span>' in client.get("/accounts/profile/").content.decode()
    assert client.get("/api/v1/notifications/").json()["results"] == []


def test_the_unlock_link_is_sent_through_a_failing_server(customer, settings):
    settings.LOGIN_LOCKOUT_FAILURES = 2
    flaky(settings, fail_next=1)
    for _ in range(2):
        response = Client().post("/accounts/login/", {"username": customer.email, "password": "wrong"})
        assert response.status_code == 200
    assert [m.subject for m in mail.outbox] == ["Your householdsvc account is locked"]
    assert NotificationDelivery.objects.get().attempts == 2


def test_a_confirmation_mail_at_sign_up_is_retried(api_client, service, settings):
    flaky(settings, fail_next=1)
    response = api_client.post(
        "/api/v1/auth/register/",
        {
            "role": "customer",
            "email": "newbie@example.com",
            "password": "a-long-enough-secret-42",
            "full_name": "New Bie",
            "phone": "+44 7700 900123",
            "address": "1 High Street",
            "pin_code": "560001",
        },
    )
    assert response.status_code == 201
    assert [m.subject for m in mail.outbox] == ["Confirm your householdsvc e-mail address"]


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_a_reset_mail_until_it_is_sent(customer, api_client, settings, celery_worker):  # noqa: F811
    settings.NOTIFICATION_RETRY_SECONDS = 0
    backend = flaky(settings, fail_next=2)
    response = api_client.post("/api/v1/auth/password/reset/", {"email": "alice@example.com"})
    assert response.status_code == 202
    delivery = NotificationDelivery.objects.get()
    deadline = time.monotonic() + 20
    while delivery.state == "pending" and time.monotonic() < deadline:
        time.sleep(0.1)
        delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 3)
    assert backend.attempts == 3
    assert [m.subject for m in mail.outbox] == ["Choose a new householdsvc password"]
