"""A Stripe event delivered again (Stripe retries until it gets a 2xx, re-signing each attempt,
and may send copies at once) leaves exactly one note in the request's trail: checked for a
partial refund and for a failed payment, one after the other and all at once."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client

from requests_app.models import RequestEvent, StripeEvent
from tests.requests_app.stripe_stand_in import charge, event, payment_intent, signed

URL = "/api/v1/payments/stripe/webhook/"
INTENT = "pi_test_current"
DUE = 4500  # the factories' final price, 45.00, in paise
COPIES = 4


def deliver(stripe_event, **signing):
    payload, header = signed(stripe_event, **signing)
    return Client().post(URL, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


def redeliver(stripe_event):
    """The same event as Stripe sends it on a retry: same id and object, a later signature."""
    return deliver(stripe_event | {"pending_webhooks": 2}, timestamp=int(time.time()) + 1)


def trail_notes(service_request):
    return list(
        RequestEvent.objects.filter(request=service_request, action="payment").values_list("note", flat=True)
    )


def payment_status(service_request):
    service_request.refresh_from_db()
    return service_request.payment_status


@pytest.fixture
def paid(in_state):
    """Alice's closed request, paid 45.00 INR through PaymentIntent ``pi_test_current``."""
    return in_state("closed", payment_status="paid", payment_reference=INTENT)


@pytest.fixture
def pending(in_state):
    """Alice's completed request whose payment Stripe is processing."""
    return in_state("completed", payment_status="pending", payment_reference=INTENT)


def partial_refund():
    return event("charge.refunded", charge(INTENT, DUE, amount_refunded=1000))


def payment_failure(request_id):
    failed = payment_intent(INTENT, request_id, DUE, status="requires_payment_method", error="Card declined.")
    return event("payment_intent.payment_failed", failed)


# --- One after the other ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_redelivered_partial_refund_adds_exactly_one_note(paid):
    refund = partial_refund()

    first, second, third = deliver(refund), redeliver(refund), redeliver(refund)

    assert [r.status_code for r in (first, second, third)] == [200, 200, 200]
    assert [r.json()["duplicate"] for r in (first, second, third)] == [False, True, True]
    assert second.json()["outcome"] == "Partial refund noted."
    assert trail_notes(paid) == [f"Partial refund of 1000 (smallest unit) on {INTENT}."]
    assert payment_status(paid) == "paid"
    assert StripeEvent.objects.filter(event_id=refund["id"]).count() == 1


@pytest.mark.django_db
def test_a_redelivered_payment_failure_adds_exactly_one_note(pending):
    failure = payment_failure(pending.pk)

    first, second, third = deliver(failure), redeliver(failure), redeliver(failure)

    assert [r.status_code for r in (first, second, third)] == [200, 200, 200]
    assert [r.json()["duplicate"] for r in (first, second, third)] == [False, True, True]
    assert second.json()["outcome"] == "Marked failed."
    assert trail_notes(pending) == [f"Payment failed ({INTENT}): Card declined."]
    assert payment_status(pending) == "failed"
    assert StripeEvent.objects.filter(event_id=failure["id"]).count() == 1


@pytest.mark.django_db
def test_a_failure_redelivered_after_the_retry_was_paid_adds_nothing(pending):
    failure = payment_failure(pending.pk)
    deliver(failure)
    deliver(event("payment_intent.succeeded", payment_intent(INTENT, pending.pk, DUE)))

    response = redeliver(failure)

    assert response.json()["duplicate"] is True
    assert payment_status(pending) == "paid"
    assert trail_notes(pending) == [
        f"Payment failed ({INTENT}): Card declined.",
        f"Payment received: 45.00 INR ({INTENT}).",
    ]


@pytest.mark.django_db
def test_two_different_partial_refunds_are_two_notes_not_a_redelivery(paid):
    # The guard is the event id, not the kind of event: a second refund is news.
    deliver(event("charge.refunded", charge(INTENT, DUE, amount_refunded=1000)))
    deliver(event("charge.refunded", charge(INTENT, DUE, amount_refunded=1500)))

    assert trail_notes(paid) == [
        f"Partial refund of 1000 (smallest unit) on {INTENT}.",
        f"Partial refund of 1500 (smallest unit) on {INTENT}.",
    ]


# --- All at once, on real concurrent PostgreSQL sessions ------------------------------------


def copies_at_once(stripe_event, count=COPIES):
    payload, header = signed(stripe_event)
    barrier = threading.Barrier(count)
    outcomes = []

    def run():
        try:
            barrier.wait(timeout=10)
            response = Client().post(
                URL, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
            )
            outcomes.append((response.status_code, response.json().get("duplicate")))
        except Exception as exc:  # shown by the assertion on the outcomes
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
def test_copies_of_a_partial_refund_arriving_at_once_add_one_note(paid):
    assert connection.vendor == "postgresql", "the race is only real on PostgreSQL"

    outcomes = copies_at_once(partial_refund())

    assert sorted(outcomes) == [(200, False)] + [(200, True)] * (COPIES - 1), outcomes
    assert trail_notes(paid) == [f"Partial refund of 1000 (smallest unit) on {INTENT}."]
    assert payment_status(paid) == "paid"


@pytest.mark.django_db(transaction=True)
def test_copies_of_a_payment_failure_arriving_at_once_add_one_note(pending):
    assert connection.vendor == "postgresql", "the race is only real on PostgreSQL"

    outcomes = copies_at_once(payment_failure(pending.pk))

    assert sorted(outcomes) == [(200, False)] + [(200, True)] * (COPIES - 1), outcomes
    assert trail_notes(pending) == [f"Payment failed ({INTENT}): Card declined."]
    assert payment_status(pending) == "failed"
