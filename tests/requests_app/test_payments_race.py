"""Concurrent deliveries and double taps, on real concurrent PostgreSQL sessions.

Each thread has its own database connection and transaction; a barrier releases them together.
Stripe delivers an event again when an answer is slow, so two copies can arrive at once: only
the unique event id (claimed in the transaction that applies it) keeps them from both applying.
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from requests_app import payments
from requests_app.models import Action, PaymentStatus, RequestEvent, Status, StripeEvent
from tests.requests_app.factories import request_in_state
from tests.requests_app.stripe_stand_in import StripeStandIn, event, payment_intent, signed

COPIES = 4
ROUNDS = 3


def all_at_once(work, count):
    barrier = threading.Barrier(count)
    outcomes = []

    def run():
        try:
            barrier.wait(timeout=10)
            outcomes.append(work())
        except Exception as exc:  # shown by the assertions below
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_copies_of_one_event_arriving_at_once_are_applied_once(customer, service, professional):
    assert connection.vendor == "postgresql", "the race is only real on PostgreSQL"
    for round_number in range(ROUNDS):
        intent_id = f"pi_test_race{round_number}"
        service_request = request_in_state(
            Status.COMPLETED,
            customer=customer,
            service=service,
            professional=professional,
            payment_status=PaymentStatus.PENDING,
            payment_reference=intent_id,
        )
        payload, header = signed(
            event("payment_intent.succeeded", payment_intent(intent_id, service_request.pk, 4500))
        )

        def deliver(payload=payload, header=header):
            response = Client().post(
                "/api/v1/payments/stripe/webhook/",
                data=payload,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=header,
            )
            return response.status_code, response.json().get("duplicate")

        outcomes = all_at_once(deliver, COPIES)

        assert sorted(outcomes) == [(200, False)] + [(200, True)] * (COPIES - 1), outcomes
        service_request.refresh_from_db()
        assert service_request.payment_status == PaymentStatus.PAID
        notes = RequestEvent.objects.filter(request=service_request, action=Action.PAYMENT)
        assert notes.count() == 1
        assert StripeEvent.objects.filter(service_request=service_request).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_tap_on_pay_creates_one_payment(customer, service, professional, settings):
    with StripeStandIn() as stripe_api:
        settings.STRIPE_API_BASE = stripe_api.url
        service_request = request_in_state(
            Status.COMPLETED, customer=customer, service=service, professional=professional
        )

        def tap():
            return payments.payment_start(request_id=service_request.pk, customer=customer).payment_intent_id

        outcomes = all_at_once(tap, 3)

    assert len(set(outcomes)) == 1 and outcomes[0].startswith("pi_test"), outcomes
    assert len(stripe_api.creates()) == 1
    assert RequestEvent.objects.filter(request=service_request, action=Action.PAYMENT).count() == 1
