"""The cancellation fee hook: a fee the cancellation policy sets on a cancelled request is
recorded as due when no card is on file (the card on file: test_money_card_on_file.py), paid on
Stripe Checkout through the signed webhook, and shown on the receipt."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from householdsvc.core.errors import Conflict
from requests_app.models import Action, PaymentStatus, RequestEvent, Status
from requests_app.money import fees, receipts
from requests_app.money.models import EarningsEntry
from tests.requests_app.factories import request_in_state
from tests.requests_app.stripe_stand_in import StripeStandIn, event, signed
from tests.requests_app.stripe_stand_in_checkout import completed

pytestmark = pytest.mark.django_db


@pytest.fixture
def stripe_api(settings):
    with StripeStandIn() as server:
        settings.STRIPE_API_BASE = server.url
        yield server


def test_a_fee_on_a_cancelled_request_is_due_once(in_state):
    cancelled = in_state(Status.CANCELLED)

    fee = fees.cancellation_fee_charge(request_id=cancelled.pk, amount="20")
    again = fees.cancellation_fee_charge(request_id=cancelled.pk, amount="20")

    assert (fee.pk, fee.amount, fee.status) == (again.pk, Decimal("20.00"), "due")
    notes = RequestEvent.objects.filter(request=cancelled, action=Action.PAYMENT).values_list(
        "note", flat=True
    )
    assert list(notes) == ["Cancellation fee of 20.00 INR due; the customer pays it on the request page."]


def test_only_a_cancelled_request_has_a_fee(in_state):
    with pytest.raises(Conflict) as refused:
        fees.cancellation_fee_charge(request_id=in_state(Status.ASSIGNED).pk, amount="20")

    assert refused.value.code == "not_cancelled"


def test_the_customer_pays_the_fee_on_checkout_and_the_receipt_shows_it(
    client_for, customer, in_state, stripe_api
):
    cancelled = in_state(Status.CANCELLED)
    fees.cancellation_fee_charge(request_id=cancelled.pk, amount="20")
    browser = Client()
    browser.force_login(customer)
    page = browser.get(reverse("requests_app:detail", args=[cancelled.pk])).content.decode()
    assert "Pay ₹20.00" in page

    response = client_for(customer).post(f"/api/v1/requests/{cancelled.pk}/checkout/", {}, format="json")
    assert (response.status_code, response.json()["amount"]) == (200, "20.00")
    payload, header = signed(
        event("checkout.session.completed", completed(stripe_api, response.json()["session_id"]))
    )
    Client().post(
        "/api/v1/payments/stripe/webhook/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )

    cancelled.refresh_from_db()
    assert cancelled.payment_status == PaymentStatus.PAID
    assert cancelled.fee_charge.status == "paid"
    assert ("Cancellation fee", "20.00 INR") in receipts.receipt_lines(cancelled)


def test_a_cancellation_with_a_fee_by_the_policy_makes_it_due(in_state, customer):
    from requests_app import services

    en_route = in_state(Status.EN_ROUTE)  # cancelling once the professional is on the way costs a fee

    services.service_request_cancel(request_id=en_route.pk, actor=customer, reason="Found someone else")

    en_route.refresh_from_db()
    assert en_route.cancellation_fee == Decimal("100.00")  # 20% of 40.00, at least 100.00
    assert (en_route.fee_charge.amount, en_route.fee_charge.status) == (Decimal("100.00"), "due")


def test_a_fee_paid_on_checkout_credits_the_professional_less_commission_and_nobody_without_one(
    settings, client_for, customer, professional, two_cancelled, stripe_api
):
    settings.PLATFORM_COMMISSION_PERCENT = Decimal("15")
    worked, never_assigned = two_cancelled
    for cancelled in (worked, never_assigned):
        fees.cancellation_fee_charge(request_id=cancelled.pk, amount="100")
        response = client_for(customer).post(f"/api/v1/requests/{cancelled.pk}/checkout/", {}, format="json")
        payload, header = signed(
            event("checkout.session.completed", completed(stripe_api, response.json()["session_id"]))
        )
        Client().post(
            "/api/v1/payments/stripe/webhook/",
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        )

    # docs/architecture.md, Money: the fee is credited like a job's price, less the commission.
    assert list(
        EarningsEntry.objects.values_list("request_id", "professional_id", "commission", "amount")
    ) == [(worked.pk, professional.pk, Decimal("15.00"), Decimal("85.00"))]
    never_assigned.refresh_from_db()
    assert never_assigned.fee_charge.status == "paid"


@pytest.fixture
def two_cancelled(in_state, customer, service):
    """Two of Alice's cancelled requests: one Carol had been assigned, one cancelled while open."""
    return in_state(Status.CANCELLED), request_in_state(Status.CANCELLED, customer=customer, service=service)
