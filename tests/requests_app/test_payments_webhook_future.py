"""Stripe's library refuses only old signatures (``timestamp < now - tolerance``); a timestamp
far in the future would be a replay good for as long as its lead. Both sides are refused."""

import time

import pytest

from requests_app.models import PaymentStatus, Status
from tests.requests_app.stripe_stand_in import event, payment_intent
from tests.requests_app.test_payments_webhook import DUE, INTENT, deliver, payment_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(in_state):
    return in_state(Status.COMPLETED, payment_status=PaymentStatus.PENDING, payment_reference=INTENT)


def test_a_signature_an_hour_in_the_future_is_refused(pending):
    an_hour_ahead = int(time.time()) + 3600

    response = deliver(
        event("payment_intent.succeeded", payment_intent(INTENT, pending.pk, DUE)), timestamp=an_hour_ahead
    )

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_signature"
    assert "tolerance" in response.json()["detail"]
    assert payment_status(pending) == PaymentStatus.PENDING


def test_a_clock_a_minute_ahead_is_still_accepted(pending):
    a_minute_ahead = int(time.time()) + 60

    response = deliver(
        event("payment_intent.succeeded", payment_intent(INTENT, pending.pk, DUE)), timestamp=a_minute_ahead
    )

    assert response.status_code == 200, response.content
    assert payment_status(pending) == PaymentStatus.PAID
