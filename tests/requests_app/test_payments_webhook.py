"""Stripe's webhook: events signed exactly as Stripe signs them, checked by the site with the
``stripe`` library, applied once whatever the number of deliveries."""

import logging
import time

import pytest
from django.test import Client

from requests_app.models import Action, PaymentStatus, RequestEvent, Status, StripeEvent
from tests.requests_app.stripe_stand_in import charge, event, payment_intent, signature_header, signed

pytestmark = pytest.mark.django_db

URL = "/api/v1/payments/stripe/webhook/"
INTENT = "pi_test_current"
DUE = 4500  # the factories' final price, 45.00, in paise


@pytest.fixture
def pending(in_state):
    """Alice's completed request, whose payment of 45.00 INR Stripe is processing."""
    return in_state(Status.COMPLETED, payment_status=PaymentStatus.PENDING, payment_reference=INTENT)


def deliver(stripe_event, *, client=None, **signing):
    payload, header = signed(stripe_event, **signing)
    return post(payload, header, client=client)


def post(payload, header=None, *, client=None):
    extra = {"HTTP_STRIPE_SIGNATURE": header} if header is not None else {}
    return (client or Client()).post(URL, data=payload, content_type="application/json", **extra)


def payment_notes(service_request):
    return list(
        RequestEvent.objects.filter(request=service_request, action=Action.PAYMENT).values_list(
            "note", flat=True
        )
    )


def payment_status(service_request):
    service_request.refresh_from_db()
    return service_request.payment_status


# --- The signature ------------------------------------------------------------------------


def test_a_correctly_signed_success_marks_the_request_paid(pending):
    response = deliver(event("payment_intent.succeeded", payment_intent(INTENT, pending.pk, DUE)))

    assert response.status_code == 200, response.content
    assert response.json() | {"event_id": None} == {
        "event_id": None,
        "duplicate": False,
        "processed": True,
        "outcome": "Marked paid.",
    }
    assert payment_status(pending) == PaymentStatus.PAID
    assert payment_notes(pending) == [f"Payment received: 45.00 INR ({INTENT})."]
    note = RequestEvent.objects.get(request=pending, action=Action.PAYMENT)
    assert (note.from_status, note.to_status, note.actor) == (Status.COMPLETED, Status.COMPLETED, None)


def test_it_needs_no_login_and_no_csrf_token(pending):
    browser = Client(enforce_csrf_checks=True)

    response = deliver(
        event("payment_intent.succeeded", payment_intent(INTENT, pending.pk, DUE)), client=browser
    )

    assert response.status_code == 200
    assert payment_status(pending) == PaymentStatus.PAID


def test_a_signature_with_another_secret_is_refused(pending):
    response = deliver(
        event("payment_intent.succeeded", payment_intent(INTENT, pending.pk, DUE)),
        secret="whsec_someone_else",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    assert payment_status(pending) == PaymentStatus.PENDING
    assert not StripeEvent.objects.exists()


def test_a_body_changed_after_signing_is_refused(pending):
    payload, header = signed(event("payment_intent.succeeded", payment_intent(INTENT, pending.pk, 1)))

    response = post(payload.replace('"amount": 1', f'"amount": {DUE}'), header)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    assert payment_status(pending) == PaymentStatus.PENDING


def test_a_missing_signature_is_refused(pending):
    payload, _ = signed(event("payment_intent.succeeded", payment_intent(INTENT, pending.pk, DUE)))

    response = post(payload)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    assert payment_status(pending) == PaymentStatus.PENDING


@pytest.mark.parametrize("header", ["garbage", "t=now,v1=abc", "t=1700000000", "v0=abc"])
def test_a_malformed_signature_header_is_refused(pending, header):
    payload, _ = signed(event("payment_intent.succeeded", payment_intent(INTENT, pending.pk, DUE)))

    response = post(payload, header)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"


def test_an_old_signature_is_refused_as_a_replay(pending):
    ten_minutes_ago = int(time.time()) - 600

    response = deliver(
        event("payment_intent.succeeded", payment_intent(INTENT, pending.pk, DUE)), timestamp=ten_minutes_ago
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    assert "tolerance" in response.json()["detail"]
    assert payment_status(pending) == PaymentStatus.PENDING


def test_a_signed_body_that_is_not_an_event_is_refused():
    for payload in ("not json", "[1, 2]", '{"object": "event", "type": "x"}', '{"id": "evt_1"}'):
        response = post(payload, signature_header(payload))

        assert response.status_code == 400, payload
        assert response.json()["code"] == "invalid_payload"
    assert not StripeEvent.objects.exists()


def test_without_a_webhook_secret_events_are_turned_away_for_stripe_to_retry(pending, settings):
    payload, header = signed(event("payment_intent.succeeded", payment_intent(INTENT, pending.pk, DUE)))
    settings.STRIPE_WEBHOOK_SECRET = ""

    response = post(payload, header)

    assert response.status_code == 503
    assert response.json()["code"] == "payments_unavailable"
    assert payment_status(pending) == PaymentStatus.PENDING


def test_get_is_not_allowed():
    assert Client().get(URL).status_code == 405


# --- Once and only once -------------------------------------------------------------------


def test_the_same_event_delivered_twice_is_applied_once(pending):
    stripe_event = event("payment_intent.succeeded", payment_intent(INTENT, pending.pk, DUE))

    first, second = deliver(stripe_event), deliver(stripe_event)

    assert (first.status_code, second.status_code) == (200, 200)
    assert (first.json()["duplicate"], second.json()["duplicate"]) == (False, True)
    assert second.json()["processed"] is True
    assert len(payment_notes(pending)) == 1
    assert StripeEvent.objects.filter(event_id=stripe_event["id"]).count() == 1


def test_a_redelivered_success_does_not_undo_a_refund_in_between(pending):
    success = event("payment_intent.succeeded", payment_intent(INTENT, pending.pk, DUE))
    deliver(success)
    deliver(event("charge.refunded", charge(INTENT, DUE)))

    response = deliver(success)

    assert response.json()["duplicate"] is True
    assert payment_status(pending) == PaymentStatus.REFUNDED


def test_every_event_is_recorded_with_what_it_did(pending):
    stripe_event = event("payment_intent.succeeded", payment_intent(INTENT, pending.pk, DUE))

    deliver(stripe_event)

    recorded = StripeEvent.objects.get()
    assert (recorded.event_id, recorded.type, recorded.processed, recorded.service_request) == (
        stripe_event["id"],
        "payment_intent.succeeded",
        True,
        pending,
    )
    assert recorded.received_at is not None


# --- What each event does -----------------------------------------------------------------


def test_a_failed_payment_marks_the_request_failed_with_stripes_reason(pending):
    failed = payment_intent(INTENT, pending.pk, DUE, status="requires_payment_method", error="Card declined.")

    response = deliver(event("payment_intent.payment_failed", failed))

    assert response.json()["processed"] is True
    assert payment_status(pending) == PaymentStatus.FAILED
    assert payment_notes(pending) == [f"Payment failed ({INTENT}): Card declined."]


def test_a_failure_reported_after_the_success_is_ignored(pending):
    deliver(event("payment_intent.succeeded", payment_intent(INTENT, pending.pk, DUE)))

    response = deliver(
        event("payment_intent.payment_failed", payment_intent(INTENT, pending.pk, DUE, status="canceled"))
    )

    assert response.status_code == 200
    assert response.json()["processed"] is False
    assert payment_status(pending) == PaymentStatus.PAID


def test_a_success_after_a_failure_marks_the_request_paid(in_state):
    failed = in_state(Status.CLOSED, payment_status=PaymentStatus.FAILED, payment_reference=INTENT)

    deliver(event("payment_intent.succeeded", payment_intent(INTENT, failed.pk, DUE)))

    assert payment_status(failed) == PaymentStatus.PAID


def test_a_full_refund_marks_the_paid_request_refunded(in_state):
    paid = in_state(Status.CLOSED, payment_status=PaymentStatus.PAID, payment_reference=INTENT)

    response = deliver(event("charge.refunded", charge(INTENT, DUE)))

    assert response.json()["outcome"] == "Marked refunded."
    assert payment_status(paid) == PaymentStatus.REFUNDED
    assert payment_notes(paid) == [f"Payment refunded in full ({INTENT})."]


def test_a_partial_refund_keeps_the_request_paid_and_notes_it(in_state):
    paid = in_state(Status.CLOSED, payment_status=PaymentStatus.PAID, payment_reference=INTENT)

    response = deliver(event("charge.refunded", charge(INTENT, DUE, amount_refunded=1000)))

    assert response.json()["outcome"] == "Partial refund noted."
    assert payment_status(paid) == PaymentStatus.PAID
    assert payment_notes(paid) == [f"Partial refund of 1000 (smallest unit) on {INTENT}."]


def test_a_success_reported_after_the_refund_is_ignored(in_state):
    paid = in_state(Status.CLOSED, payment_status=PaymentStatus.PAID, payment_reference=INTENT)
    deliver(event("charge.refunded", charge(INTENT, DUE)))

    response = deliver(event("payment_intent.succeeded", payment_intent(INTENT, paid.pk, DUE)))

    assert response.json()["processed"] is False
    assert payment_status(paid) == PaymentStatus.REFUNDED


def test_an_event_type_the_site_does_not_use_is_acknowledged_and_ignored(pending):
    response = deliver(event("customer.created", {"id": "cus_1", "object": "customer"}))

    assert response.status_code == 200
    assert response.json()["processed"] is False
    assert response.json()["outcome"] == "Ignored: not an event this site uses."
    assert StripeEvent.objects.get().type == "customer.created"
    assert payment_status(pending) == PaymentStatus.PENDING


@pytest.mark.parametrize("request_id", ["999999", "not-a-number", None])
def test_an_event_for_no_request_of_ours_is_acknowledged_and_ignored(pending, request_id):
    response = deliver(event("payment_intent.succeeded", payment_intent(INTENT, request_id, DUE)))

    assert response.status_code == 200
    assert response.json()["processed"] is False
    assert response.json()["outcome"] == "Ignored: no request of ours matches this payment."
    assert StripeEvent.objects.get().service_request is None
    assert payment_status(pending) == PaymentStatus.PENDING


def test_an_event_for_a_payment_the_request_no_longer_uses_is_ignored(pending):
    response = deliver(event("payment_intent.succeeded", payment_intent("pi_test_replaced", pending.pk, DUE)))

    assert response.json()["outcome"] == "Ignored: not the request's current payment."
    assert payment_status(pending) == PaymentStatus.PENDING


def test_a_refund_of_a_charge_not_ours_is_ignored(in_state):
    paid = in_state(Status.CLOSED, payment_status=PaymentStatus.PAID, payment_reference=INTENT)

    response = deliver(event("charge.refunded", charge("pi_test_elsewhere", DUE)))

    assert response.json()["processed"] is False
    assert payment_status(paid) == PaymentStatus.PAID


def test_a_refund_is_found_by_its_request_id_when_stripe_sends_one(in_state):
    paid = in_state(Status.CLOSED, payment_status=PaymentStatus.PAID, payment_reference=INTENT)

    deliver(event("charge.refunded", charge(INTENT, DUE, metadata={"request_id": str(paid.pk)})))

    assert payment_status(paid) == PaymentStatus.REFUNDED


# --- Amount mismatch: left for a person, never marked paid nor failed -----------------------


@pytest.mark.parametrize(("amount", "currency"), [(100, "inr"), (DUE, "usd")])
def test_a_success_for_another_amount_or_currency_is_noted_and_logged_not_applied(
    pending, caplog, amount, currency
):
    with caplog.at_level(logging.ERROR, logger="requests_app.payments"):
        response = deliver(
            event("payment_intent.succeeded", payment_intent(INTENT, pending.pk, amount, currency=currency))
        )

    assert response.status_code == 200
    assert response.json()["processed"] is False
    assert payment_status(pending) == PaymentStatus.PENDING
    [note] = payment_notes(pending)
    assert f"Stripe reports {amount} {currency.upper()}" in note and "4500 INR is due" in note
    assert "left for review" in note
    assert any("amount mismatch" in record.message for record in caplog.records)
