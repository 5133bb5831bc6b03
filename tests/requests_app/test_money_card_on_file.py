"""The card on file and the cancellation fee charged to it off-session: Checkout saves the card
for the customer's Stripe Customer (created once), the signed PaymentIntent event records it,
and a late cancellation's fee is then charged without the customer, through Stripe's signed
events only; a card error or Stripe down makes it due, tells the customer, and leaves the
cancellation itself done. Only Stripe's HTTP end is a local stand-in."""

import io
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Notification
from requests_app.models import Action, PaymentStatus, RequestEvent, Status
from requests_app.money import receipts
from requests_app.money.models import EarningsEntry, PaymentAttempt, StripeCustomer
from tests.requests_app.stripe_stand_in import StripeStandIn, event, signed
from tests.requests_app.stripe_stand_in_checkout import checkout_intent, completed

pytestmark = pytest.mark.django_db

WEBHOOK = "/api/v1/payments/stripe/webhook/"


@pytest.fixture
def stripe_api(settings):
    with StripeStandIn() as server:
        settings.STRIPE_API_BASE = server.url
        settings.PLATFORM_COMMISSION_PERCENT = Decimal("15")
        yield server


@pytest.fixture
def card(customer):
    """Alice paid by card before: Stripe saved it on her Customer."""
    return StripeCustomer.objects.create(user=customer, customer_id="cus_alice", payment_method_id="pm_alice")


def deliver(stripe_event):
    payload, header = signed(stripe_event)
    return Client().post(WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


def refreshed(service_request):
    service_request.refresh_from_db()
    return service_request


def payment_notes(service_request):
    return list(
        RequestEvent.objects.filter(request=service_request, action=Action.PAYMENT)
        .order_by("id")
        .values_list("note", flat=True)
    )


def off_session_creates(server):
    return [call for call in server.creates() if call["form"].get("off_session") == "true"]


def cancel_on_the_web(customer, service_request, capture):
    browser = Client()
    browser.force_login(customer)
    with capture(execute=True):
        return browser.post(
            reverse("requests_app:cancel", args=[service_request.pk]), {"reason": "Plans changed"}
        )


def fee_intent(server, **changes):
    [create] = off_session_creates(server)
    intent = dict(server.intents[next(i for i in server.intents if i.startswith("pi_offsession"))])
    return {**intent, **changes}, create


# --- Saving the card --------------------------------------------------------------------------


def test_checkout_saves_the_card_on_a_customer_created_once(client_for, customer, in_state, stripe_api):
    first = in_state(Status.COMPLETED)
    second = in_state(Status.COMPLETED)
    client = client_for(customer)

    client.post(f"/api/v1/requests/{first.pk}/checkout/", {}, format="json")
    client.post(f"/api/v1/requests/{second.pk}/checkout/", {}, format="json")

    customer_creates = [call for call in stripe_api.calls if call["path"] == "/v1/customers"]
    assert len(customer_creates) == 1
    assert customer_creates[0]["idempotency_key"] == f"householdsvc-customer-{customer.pk}"
    assert customer_creates[0]["form"]["email"] == customer.email
    saved = StripeCustomer.objects.get(user=customer)
    assert (saved.customer_id, saved.payment_method_id) == (next(iter(stripe_api.customers)), "")
    for create in stripe_api.session_creates():
        assert create["form"]["customer"] == saved.customer_id
        assert create["form"]["payment_intent_data[setup_future_usage]"] == "off_session"
        assert "customer_email" not in create["form"]


def test_the_signed_payment_intent_event_records_the_card_on_file(client_for, customer, in_state, stripe_api):
    job = in_state(Status.COMPLETED)
    session_id = (
        client_for(customer)
        .post(f"/api/v1/requests/{job.pk}/checkout/", {}, format="json")
        .json()["session_id"]
    )
    deliver(event("checkout.session.completed", completed(stripe_api, session_id)))

    deliver(event("payment_intent.succeeded", checkout_intent(stripe_api, session_id, created=2000)))
    # An older payment's event arriving late does not put back its older card.
    deliver(
        event(
            "payment_intent.succeeded",
            {
                **checkout_intent(stripe_api, session_id, payment_method="pm_old", created=1000),
                "id": "pi_old",
            },
        )
    )

    assert StripeCustomer.objects.get(user=customer).payment_method_id == "pm_card_visa"
    assert refreshed(job).payment_status == PaymentStatus.PAID


# --- Charging the fee -------------------------------------------------------------------------


def test_a_late_cancellation_charges_the_fee_to_the_card_and_the_signed_event_pays_it(
    customer, professional, in_state, card, stripe_api, django_capture_on_commit_callbacks
):
    en_route = in_state(Status.EN_ROUTE)  # fee: 20% of 40.00, at least 100.00

    response = cancel_on_the_web(customer, en_route, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    en_route = refreshed(en_route)
    assert en_route.status == Status.CANCELLED
    intent, create = fee_intent(stripe_api)
    form = create["form"]
    assert create["idempotency_key"] == f"householdsvc-cancellation-fee-{en_route.fee_charge.pk}"
    assert (form["amount"], form["currency"], form["confirm"], form["off_session"]) == (
        "10000",
        "inr",
        "true",
        "true",
    )
    assert (form["customer"], form["payment_method"]) == ("cus_alice", "pm_alice")
    assert (form["metadata[request_id]"], form["metadata[cancellation_fee]"]) == (
        str(en_route.pk),
        str(en_route.fee_charge.pk),
    )
    # Charged, but only Stripe's signed event says it is paid.
    assert (en_route.fee_charge.status, en_route.payment_status) == ("pending", PaymentStatus.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        first = deliver(event("payment_intent.succeeded", intent, event_id="evt_fee_paid"))
    replay = deliver(event("payment_intent.succeeded", intent, event_id="evt_fee_paid"))
    again = deliver(event("payment_intent.succeeded", intent))

    assert (first.status_code, replay.status_code, again.status_code) == (200, 200, 200)
    en_route = refreshed(en_route)
    assert (en_route.fee_charge.status, en_route.payment_status) == ("paid", PaymentStatus.PAID)
    assert PaymentAttempt.objects.filter(request=en_route, status="paid").count() == 1
    lines = receipts.receipt_lines(en_route)
    assert ("Cancellation fee", "100.00 INR") in lines
    assert ("Payment method", "Card on file (charged off-session)") in lines
    [receipt_mail] = [m for m in mail.outbox if m.attachments]
    pdf_text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(receipt_mail.attachments[0][1])).pages
    )
    assert "Cancellation fee 100.00 INR" in pdf_text
    assert "Payment method Card on file (charged off-session)" in pdf_text
    # The policy (docs/architecture.md, Money): the fee is credited to the professional who was
    # on the way, less the platform commission like a job's price.
    [credit] = EarningsEntry.objects.filter(request=en_route)
    assert (credit.professional, credit.price, credit.commission, credit.amount) == (
        professional,
        Decimal("100.00"),
        Decimal("15.00"),
        Decimal("85.00"),
    )
    assert [m.subject for m in mail.outbox if m.attachments] == [
        f"Your receipt {en_route.receipt.code} for {en_route.service.name}"
    ]
    assert (
        payment_notes(en_route)[-1]
        == f"Cancellation fee of 100.00 INR paid with the card on file ({intent['id']})."
    )


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("authentication_required", "Your card was declined. This transaction requires authentication."),
        ("card_declined", "Your card was declined."),
    ],
)
def test_a_card_error_makes_the_fee_due_and_tells_the_customer_who_pays_on_checkout(
    code, reason, client_for, customer, in_state, card, stripe_api, django_capture_on_commit_callbacks
):
    stripe_api.card_error = code
    en_route = in_state(Status.EN_ROUTE)

    response = cancel_on_the_web(customer, en_route, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    en_route = refreshed(en_route)
    assert (en_route.status, en_route.fee_charge.status) == (Status.CANCELLED, "due")
    [told] = Notification.objects.filter(recipient=customer, title__contains="cancellation fee")
    assert told.title == f"Your cancellation fee for request #{en_route.pk} is due"
    assert (
        told.body
        == f"We could not charge 100.00 INR to your card on file ({reason}). Pay it on the request page."
    )
    paying = client_for(customer).post(f"/api/v1/requests/{en_route.pk}/checkout/", {}, format="json")
    assert (paying.status_code, paying.json()["amount"]) == (200, "100.00")


def test_stripe_down_makes_the_fee_due_and_the_cancellation_still_happens(
    settings, customer, in_state, card, django_capture_on_commit_callbacks
):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: Stripe is down
    en_route = in_state(Status.EN_ROUTE)

    response = cancel_on_the_web(customer, en_route, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    en_route = refreshed(en_route)
    assert (en_route.status, en_route.fee_charge.status) == (Status.CANCELLED, "due")
    assert payment_notes(en_route)[-1] == (
        "Cancellation fee of 100.00 INR could not be charged to the card on file (the payment provider "
        "could not be reached); the customer pays it on the request page."
    )
    assert Notification.objects.filter(recipient=customer, title__contains="cancellation fee").count() == 1


def test_a_failed_event_makes_the_pending_fee_due_and_a_late_success_still_pays_it(
    customer, in_state, card, stripe_api, django_capture_on_commit_callbacks
):
    en_route = in_state(Status.EN_ROUTE)
    cancel_on_the_web(customer, en_route, django_capture_on_commit_callbacks)
    intent, _ = fee_intent(stripe_api)

    deliver(event("payment_intent.payment_failed", {**intent, "status": "requires_payment_method"}))
    assert refreshed(en_route).fee_charge.status == "due"
    assert Notification.objects.filter(recipient=customer, title__contains="cancellation fee").count() == 1

    # The events came out of order: Stripe did take the money.
    deliver(event("payment_intent.succeeded", intent))
    deliver(event("payment_intent.payment_failed", {**intent, "status": "requires_payment_method"}))

    en_route = refreshed(en_route)
    assert (en_route.fee_charge.status, en_route.payment_status) == ("paid", PaymentStatus.PAID)


def test_a_fee_being_charged_cannot_be_paid_on_checkout_meanwhile(
    client_for, customer, in_state, card, stripe_api, django_capture_on_commit_callbacks
):
    en_route = in_state(Status.EN_ROUTE)
    cancel_on_the_web(customer, en_route, django_capture_on_commit_callbacks)

    response = client_for(customer).post(f"/api/v1/requests/{en_route.pk}/checkout/", {}, format="json")

    assert (response.status_code, response.json()["code"]) == (409, "fee_pending")
    assert stripe_api.session_creates() == []
    browser = Client()
    browser.force_login(customer)
    page = browser.get(reverse("requests_app:detail", args=[en_route.pk])).content.decode()
    assert "The cancellation fee is being charged to your card on file." in page
    assert 'id="pay-form"' not in page


def test_without_a_card_on_file_the_fee_is_due_and_stripe_is_not_called(
    customer, in_state, stripe_api, django_capture_on_commit_callbacks
):
    en_route = in_state(Status.EN_ROUTE)

    cancel_on_the_web(customer, en_route, django_capture_on_commit_callbacks)

    assert refreshed(en_route).fee_charge.status == "due"
    assert stripe_api.calls == []


def test_the_sweep_charges_a_pending_fee_whose_task_was_lost(customer, in_state, card, stripe_api):
    import datetime as dt

    from django.utils import timezone

    from requests_app import tasks
    from requests_app.money import fees
    from requests_app.money.models import CancellationFee

    lost, fresh = in_state(Status.CANCELLED), in_state(Status.CANCELLED)
    # Recorded in the test's transaction: the on-commit charge never runs, as when it is lost.
    for cancelled in (lost, fresh):
        fees.cancellation_fee_charge(request_id=cancelled.pk, amount="100")
    CancellationFee.objects.filter(request=lost).update(created_at=timezone.now() - dt.timedelta(minutes=6))

    assert tasks.fee_charges_sweep.delay().get() == {"charged": 1}
    assert tasks.fee_charges_sweep.delay().get() == {"charged": 0}

    [create] = off_session_creates(stripe_api)
    assert create["form"]["metadata[request_id]"] == str(lost.pk)
    assert refreshed(fresh).fee_charge.status == "pending"


def test_the_apps_payment_saves_the_card_too(client_for, customer, in_state, stripe_api):
    job = in_state(Status.COMPLETED)
    started = client_for(customer).post(f"/api/v1/requests/{job.pk}/pay/", {}, format="json").json()
    saved = StripeCustomer.objects.get(user=customer)
    intent = {
        **stripe_api.intents[started["payment_intent_id"]],
        "status": "succeeded",
        "amount_received": 4500,
        "customer": saved.customer_id,
        "payment_method": "pm_app_card",
        "setup_future_usage": "off_session",
        "created": 1000,
    }

    deliver(event("payment_intent.succeeded", intent))

    saved.refresh_from_db()
    assert (saved.payment_method_id, refreshed(job).payment_status) == ("pm_app_card", PaymentStatus.PAID)


def test_a_card_detached_at_stripe_is_no_longer_charged_for_a_fee(
    customer, in_state, card, stripe_api, django_capture_on_commit_callbacks
):
    detached = {"id": "pm_alice", "object": "payment_method", "type": "card", "customer": None}

    first = deliver(event("payment_method.detached", detached))
    again = deliver(event("payment_method.detached", detached))

    assert (first.status_code, again.status_code) == (200, 200)
    card.refresh_from_db()
    assert (card.customer_id, card.payment_method_id) == ("cus_alice", "")
    en_route = in_state(Status.EN_ROUTE)
    cancel_on_the_web(customer, en_route, django_capture_on_commit_callbacks)
    assert refreshed(en_route).fee_charge.status == "due"
    assert stripe_api.calls == []


def test_another_customers_detached_card_leaves_the_card_on_file(card, stripe_api):
    detached = {"id": "pm_someone_else", "object": "payment_method", "type": "card", "customer": None}

    assert deliver(event("payment_method.detached", detached)).status_code == 200

    card.refresh_from_db()
    assert card.payment_method_id == "pm_alice"
