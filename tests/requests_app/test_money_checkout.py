"""Paying on the web through Stripe Checkout: the session is created server-side with an
idempotency key (asserted on the wire, at the local Stripe stand-in), and only Stripe's
signed events mark the request paid, once, whatever their order or number."""

from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from requests_app.models import Action, PaymentStatus, RequestEvent, Status, StripeEvent
from requests_app.money.models import EarningsEntry, PaymentAttempt, Receipt
from tests.requests_app.stripe_stand_in import StripeStandIn, event, payment_intent, signed
from tests.requests_app.stripe_stand_in_checkout import completed, expired

pytestmark = pytest.mark.django_db

WEBHOOK = "/api/v1/payments/stripe/webhook/"


@pytest.fixture
def stripe_api(settings):
    with StripeStandIn() as server:
        settings.STRIPE_API_BASE = server.url
        settings.PLATFORM_COMMISSION_PERCENT = Decimal("15")
        yield server


@pytest.fixture
def job(in_state):
    """Alice's completed cleaning, final price 45.00 INR, worked by Carol."""
    return in_state(Status.COMPLETED, estimate_parts=[{"label": "Base price", "amount": "40.00"}])


def checkout(client, service_request, **body):
    return client.post(f"/api/v1/requests/{service_request.pk}/checkout/", body, format="json")


def deliver(stripe_event):
    payload, header = signed(stripe_event)
    return Client().post(WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


def refreshed(service_request):
    service_request.refresh_from_db()
    return service_request


def payment_notes(service_request):
    return list(
        RequestEvent.objects.filter(request=service_request, action=Action.PAYMENT).values_list(
            "note", flat=True
        )
    )


def test_the_session_is_created_server_side_for_price_and_tip(client_for, customer, job, stripe_api):
    response = checkout(client_for(customer), job, tip="5.50")

    assert response.status_code == 200, response.content
    [create] = stripe_api.session_creates()
    session_id = response.json()["session_id"]
    assert response.json() == {
        "request_id": job.pk,
        "session_id": session_id,
        "url": f"{stripe_api.url}/checkout/{session_id}",
        "amount": "50.50",
        "currency": "INR",
    }
    form = create["form"]
    assert create["authorization"] == "Bearer sk_test_householdsvc"
    assert create["idempotency_key"] == f"householdsvc-checkout-{job.pk}-5050inr-after-none"
    assert (form["mode"], form["client_reference_id"], form["metadata[request_id]"]) == (
        "payment",
        str(job.pk),
        str(job.pk),
    )
    assert form["payment_intent_data[metadata][request_id]"] == str(job.pk)
    assert (
        form["line_items[0][price_data][unit_amount]"],
        form["line_items[1][price_data][unit_amount]"],
    ) == (
        "4500",
        "550",
    )
    assert form["line_items[1][price_data][product_data][name]"] == "Tip for the professional"
    assert form["success_url"] == f"http://127.0.0.1:8000/requests/{job.pk}/?checkout=success"
    job = refreshed(job)
    assert (job.payment_status, job.payment_reference) == (PaymentStatus.PENDING, session_id)
    assert payment_notes(job) == [
        f"Card payment started on Stripe Checkout: 50.50 INR with a tip of 5.50 ({session_id})."
    ]


def test_a_double_tap_reuses_the_open_session(client_for, customer, job, stripe_api):
    client = client_for(customer)

    first = checkout(client, job).json()
    second = checkout(client, job).json()

    assert first["session_id"] == second["session_id"]
    assert len(stripe_api.session_creates()) == 1
    assert PaymentAttempt.objects.count() == 1


def test_another_tip_expires_the_open_session_before_a_new_one(client_for, customer, job, stripe_api):
    client = client_for(customer)
    first = checkout(client, job).json()

    second = checkout(client, job, tip="10").json()

    assert second["session_id"] != first["session_id"]
    assert stripe_api.sessions[first["session_id"]]["status"] == "expired"
    assert stripe_api.session_creates()[1]["idempotency_key"] == (
        f"householdsvc-checkout-{job.pk}-5500inr-after-{first['session_id']}"
    )
    assert list(PaymentAttempt.objects.order_by("id").values_list("status", flat=True)) == [
        "replaced",
        "open",
    ]


def test_only_the_signed_completed_event_marks_it_paid_with_receipt_earnings_and_email(
    client_for, customer, professional, job, stripe_api, django_capture_on_commit_callbacks
):
    session_id = checkout(client_for(customer), job, tip="5.00").json()["session_id"]
    assert refreshed(job).payment_status == PaymentStatus.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(event("checkout.session.completed", completed(stripe_api, session_id)))

    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "Marked paid."
    job = refreshed(job)
    intent_id = stripe_api.sessions[session_id]["payment_intent"]
    assert (job.payment_status, job.payment_reference) == (PaymentStatus.PAID, intent_id)
    assert payment_notes(job)[-1] == (
        f"Payment received on Stripe Checkout: 50.00 INR including a tip of 5.00 ({session_id})."
    )
    receipt = Receipt.objects.get(request=job)
    assert receipt.number >= 1
    [entry] = EarningsEntry.objects.filter(request=job)
    assert (entry.professional, entry.kind, entry.price, entry.commission, entry.tip, entry.amount) == (
        professional,
        "credit",
        Decimal("45.00"),
        Decimal("6.75"),
        Decimal("5.00"),
        Decimal("43.25"),
    )
    email, notice = sorted(mail.outbox, key=lambda message: message.to != ["alice@example.com"])
    assert email.to == ["alice@example.com"]
    assert email.attachments[0][0] == f"receipt-{receipt.code}.pdf"
    assert (notice.to, notice.subject) == (["carol@example.com"], f"Request #{job.pk} is paid (45.00 INR)")


def test_a_replayed_completed_event_is_applied_once(
    client_for, customer, job, stripe_api, django_capture_on_commit_callbacks
):
    session_id = checkout(client_for(customer), job).json()["session_id"]
    paid_event = event("checkout.session.completed", completed(stripe_api, session_id))

    with django_capture_on_commit_callbacks(execute=True):
        deliver(paid_event)
        again = deliver(paid_event)

    assert again.json()["duplicate"] is True
    assert EarningsEntry.objects.count() == 1
    assert Receipt.objects.count() == 1
    # The receipt to the customer and the notice to the professional, each once.
    assert sorted(message.to[0] for message in mail.outbox) == ["alice@example.com", "carol@example.com"]


def test_the_same_session_reported_paid_twice_in_two_events_pays_once(client_for, customer, job, stripe_api):
    session_id = checkout(client_for(customer), job).json()["session_id"]
    session = completed(stripe_api, session_id)

    deliver(event("checkout.session.completed", session))
    second = deliver(event("checkout.session.async_payment_succeeded", session))

    assert second.json()["outcome"] == "Ignored: the payment is already paid."
    assert PaymentAttempt.objects.get().status == "paid"
    assert EarningsEntry.objects.count() == 1


def test_a_wrong_amount_is_not_marked_paid(client_for, customer, job, stripe_api):
    session_id = checkout(client_for(customer), job).json()["session_id"]

    response = deliver(
        event("checkout.session.completed", completed(stripe_api, session_id, amount_total=100))
    )

    assert response.json()["outcome"] == "Not applied: amount or currency differs from the price."
    assert refreshed(job).payment_status == PaymentStatus.PENDING
    assert not Receipt.objects.exists()


def test_a_session_complete_but_not_yet_paid_waits(client_for, customer, job, stripe_api):
    session_id = checkout(client_for(customer), job).json()["session_id"]
    session = completed(stripe_api, session_id) | {"payment_status": "unpaid"}

    response = deliver(event("checkout.session.completed", session))

    assert response.json()["outcome"] == "Waiting: the session is complete but not paid yet."
    assert refreshed(job).payment_status == PaymentStatus.PENDING


def test_paying_twice_is_refused(client_for, customer, job, stripe_api):
    client = client_for(customer)
    session_id = checkout(client, job).json()["session_id"]
    deliver(event("checkout.session.completed", completed(stripe_api, session_id)))

    again = checkout(client, job)

    assert (again.status_code, again.json()["code"]) == (409, "already_paid")
    assert len(stripe_api.session_creates()) == 1


def test_a_session_paid_at_stripe_but_not_yet_reported_is_not_paid_again(
    client_for, customer, job, stripe_api
):
    client = client_for(customer)
    session_id = checkout(client, job).json()["session_id"]
    completed(stripe_api, session_id)  # paid on Stripe's page; the event is on its way

    again = checkout(client, job, tip="3")

    assert (again.status_code, again.json()["code"]) == (409, "already_paid")
    assert len(stripe_api.session_creates()) == 1


def test_an_expired_session_lets_the_customer_pay_again(client_for, customer, job, stripe_api):
    client = client_for(customer)
    first = checkout(client, job).json()["session_id"]

    response = deliver(event("checkout.session.expired", expired(stripe_api, first)))

    assert response.json()["outcome"] == "Checkout expired."
    assert refreshed(job).payment_status == PaymentStatus.UNPAID
    second = checkout(client, job).json()["session_id"]
    assert second != first
    assert stripe_api.session_creates()[1]["idempotency_key"].endswith("-after-" + first)


def test_an_expiry_reported_after_the_payment_is_ignored(client_for, customer, job, stripe_api):
    session_id = checkout(client_for(customer), job).json()["session_id"]
    paid = completed(stripe_api, session_id)
    deliver(event("checkout.session.completed", paid))

    late = deliver(event("checkout.session.expired", paid | {"status": "expired"}))

    assert late.json()["outcome"] == "Ignored: this payment is already paid."
    assert refreshed(job).payment_status == PaymentStatus.PAID


def test_the_checkouts_payment_intent_event_arriving_first_does_not_pay_it_alone(
    client_for, customer, job, stripe_api
):
    session_id = checkout(client_for(customer), job).json()["session_id"]
    session = completed(stripe_api, session_id)

    early = deliver(
        event("payment_intent.succeeded", payment_intent(session["payment_intent"], job.pk, 4500))
    )
    deliver(event("checkout.session.completed", session))

    assert early.json()["processed"] is False
    assert refreshed(job).payment_status == PaymentStatus.PAID
    assert EarningsEntry.objects.count() == 1


def test_an_unknown_session_is_acknowledged_and_ignored(job):
    response = deliver(
        event("checkout.session.completed", {"id": "cs_nobody", "payment_status": "paid", "amount_total": 1})
    )

    assert response.status_code == 200
    assert response.json()["outcome"] == "Ignored: no payment of ours matches this Checkout Session."
    assert StripeEvent.objects.get().processed is False


def test_stripe_down_is_a_502_and_nothing_is_recorded(client_for, customer, job, stripe_api):
    stripe_api.failure = (500, {"error": {"type": "api_error", "message": "Stripe is down."}})

    response = checkout(client_for(customer), job)

    assert (response.status_code, response.json()["code"]) == (502, "payment_provider_error")
    assert refreshed(job).payment_status == PaymentStatus.UNPAID
    assert not PaymentAttempt.objects.exists()
    assert payment_notes(job) == []


def test_a_bad_tip_is_a_400(client_for, customer, job, stripe_api):
    response = checkout(client_for(customer), job, tip="-1")

    assert (response.status_code, list(response.json()["errors"])) == (400, ["tip"])
    assert stripe_api.session_creates() == []


def test_only_the_customer_pays_and_only_a_completed_job(
    client_for, professional, other_customer, customer, in_state, job, stripe_api
):
    on_site = in_state(Status.ON_SITE)

    by_professional = checkout(client_for(professional), job)
    by_stranger = checkout(client_for(other_customer), job)
    too_early = checkout(client_for(customer), on_site)

    assert (by_professional.status_code, by_professional.json()["code"]) == (403, "not_allowed")
    assert by_stranger.status_code == 404
    assert (too_early.status_code, too_early.json()["code"]) == (409, "not_payable")


# --- The page --------------------------------------------------------------------------------


def test_the_pay_button_redirects_to_stripes_hosted_page(customer, job, stripe_api):
    browser = Client()
    browser.force_login(customer)

    response = browser.post(reverse("requests_app:pay", args=[job.pk]), {"tip": "2"})

    session_id = PaymentAttempt.objects.get().stripe_session_id
    assert response.status_code == 302
    assert response["Location"] == f"{stripe_api.url}/checkout/{session_id}"
    assert stripe_api.session_creates()[0]["form"]["success_url"] == (
        f"http://testserver/requests/{job.pk}/?checkout=success"
    )


def test_without_stripe_keys_the_page_says_card_payment_is_off_and_offers_cash(settings, customer, job):
    settings.STRIPE_SECRET_KEY = ""
    browser = Client()
    browser.force_login(customer)

    page = browser.get(reverse("requests_app:detail", args=[job.pk])).content.decode()
    pay = browser.post(reverse("requests_app:pay", args=[job.pk]), follow=True).content.decode()

    assert "Card payment is off on this site" in page
    assert 'id="pay-form"' not in page
    assert "Payments are not available on this site at the moment." in pay


# --- The app's PaymentIntent and the web's Checkout never both open -------------------------


def test_the_app_cannot_start_a_payment_while_a_checkout_is_open(client_for, customer, job, stripe_api):
    client = client_for(customer)
    checkout(client, job)

    app = client.post(f"/api/v1/requests/{job.pk}/pay/")

    assert (app.status_code, app.json()["code"]) == (409, "checkout_open")
    assert stripe_api.creates() == []


def test_checkout_cancels_the_apps_open_payment_intent_first(client_for, customer, job, stripe_api):
    client = client_for(customer)
    intent_id = client.post(f"/api/v1/requests/{job.pk}/pay/").json()["payment_intent_id"]

    response = checkout(client, job)

    assert response.status_code == 200, response.content
    assert stripe_api.intents[intent_id]["status"] == "canceled"
    assert refreshed(job).payment_reference == response.json()["session_id"]


def test_checkout_refuses_when_the_apps_payment_went_through(client_for, customer, job, stripe_api):
    client = client_for(customer)
    intent_id = client.post(f"/api/v1/requests/{job.pk}/pay/").json()["payment_intent_id"]
    stripe_api.intents[intent_id]["status"] = "succeeded"  # paid in the app; the event is on its way

    response = checkout(client, job)

    assert (response.status_code, response.json()["code"]) == (409, "already_paid")
    assert stripe_api.session_creates() == []
