"""Refunds from the admin, full or partial: asked of Stripe with an idempotency key (at the
local stand-in), refused above what was paid or when Stripe is down (nothing recorded), and
recorded only by Stripe's signed refund events, once; the earnings are reversed in proportion
and the receipt shows the refund."""

from decimal import Decimal

import pytest
from django.test import Client

from householdsvc.core.errors import Conflict, NotAllowed, ValidationFailed
from requests_app.models import PaymentStatus, Status
from requests_app.money import cash, receipts, refunds
from requests_app.money.models import EarningsEntry, PaymentAttempt, Refund
from tests.requests_app.stripe_stand_in import StripeStandIn, event, signed
from tests.requests_app.stripe_stand_in_checkout import completed

pytestmark = pytest.mark.django_db

WEBHOOK = "/api/v1/payments/stripe/webhook/"


@pytest.fixture
def stripe_api(settings):
    with StripeStandIn() as server:
        settings.STRIPE_API_BASE = server.url
        settings.PLATFORM_COMMISSION_PERCENT = Decimal("15")
        yield server


def deliver(stripe_event):
    payload, header = signed(stripe_event)
    return Client().post(WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


@pytest.fixture
def paid(in_state, customer, client_for, stripe_api):
    """Alice's job, 45.00 plus a 5.00 tip paid on Stripe Checkout."""
    job = in_state(Status.COMPLETED)
    response = client_for(customer).post(f"/api/v1/requests/{job.pk}/checkout/", {"tip": "5"}, format="json")
    deliver(event("checkout.session.completed", completed(stripe_api, response.json()["session_id"])))
    job.refresh_from_db()
    assert job.payment_status == PaymentStatus.PAID
    return job


def test_a_partial_refund_is_asked_of_stripe_and_recorded_by_its_event(paid, admin_user, stripe_api):
    refund = refunds.refund_create(request_id=paid.pk, actor=admin_user, amount="20.00", reason="Late")

    [call] = [c for c in stripe_api.calls if c["path"] == "/v1/refunds"]
    intent = PaymentAttempt.objects.get(status="paid").stripe_payment_intent
    assert (call["form"]["payment_intent"], call["form"]["amount"]) == (intent, "2000")
    assert call["idempotency_key"] == f"householdsvc-refund-{paid.pk}-1-20.00"
    assert refund.status == "pending"
    assert not EarningsEntry.objects.filter(kind="reversal").exists()

    response = deliver(event("refund.created", stripe_api.refunds[refund.stripe_refund_id]))

    assert response.json()["outcome"] == "Refund recorded."
    refund.refresh_from_db()
    assert refund.status == "succeeded"
    paid.refresh_from_db()
    assert paid.payment_status == PaymentStatus.PAID  # 30.00 of 50.00 is still paid
    reversal = EarningsEntry.objects.get(kind="reversal")
    # 20 of 50 paid is 40%: of 45.00 price, 6.75 commission and 5.00 tip.
    assert (reversal.price, reversal.commission, reversal.tip, reversal.amount) == (
        Decimal("-18.00"),
        Decimal("-2.70"),
        Decimal("-2.00"),
        Decimal("-17.30"),
    )
    lines = receipts.receipt_lines(paid)
    assert ("Refunded", "-20.00 INR") in lines


def test_the_rest_refunded_makes_it_refunded(paid, admin_user, stripe_api):
    first = refunds.refund_create(request_id=paid.pk, actor=admin_user, amount="20.00")
    deliver(event("refund.created", stripe_api.refunds[first.stripe_refund_id]))

    rest = refunds.refund_create(request_id=paid.pk, actor=admin_user)
    deliver(event("refund.created", stripe_api.refunds[rest.stripe_refund_id]))

    assert rest.amount == Decimal("30.00")
    paid.refresh_from_db()
    assert paid.payment_status == PaymentStatus.REFUNDED
    total = sum(EarningsEntry.objects.filter(request=paid).values_list("amount", flat=True))
    assert total == Decimal("0.00")


def test_refunding_more_than_was_paid_is_refused_without_calling_stripe(paid, admin_user, stripe_api):
    refunds.refund_create(request_id=paid.pk, actor=admin_user, amount="40.00")

    with pytest.raises(ValidationFailed) as refused:
        refunds.refund_create(request_id=paid.pk, actor=admin_user, amount="10.01")

    assert refused.value.errors == {"amount": ["More than was paid: at most 10.00 is left to refund."]}
    assert len([c for c in stripe_api.calls if c["path"] == "/v1/refunds"]) == 1


def test_stripe_down_is_an_error_and_nothing_is_recorded(paid, admin_user, stripe_api):
    stripe_api.failure = (500, {"error": {"type": "api_error", "message": "Stripe is down."}})

    with pytest.raises(Exception) as failed:
        refunds.refund_create(request_id=paid.pk, actor=admin_user, amount="10")

    assert failed.value.code == "payment_provider_error"
    assert not Refund.objects.exists()


def test_a_replayed_refund_event_reverses_once(paid, admin_user, stripe_api):
    refund = refunds.refund_create(request_id=paid.pk, actor=admin_user, amount="10")
    refund_event = event("refund.created", stripe_api.refunds[refund.stripe_refund_id])

    deliver(refund_event)
    replay = deliver(refund_event)
    updated = deliver(event("refund.updated", stripe_api.refunds[refund.stripe_refund_id]))

    assert replay.json()["duplicate"] is True
    assert updated.json()["outcome"] == "Ignored: the refund is already succeeded."
    assert EarningsEntry.objects.filter(kind="reversal").count() == 1


def test_a_refund_made_at_stripe_is_recorded_from_its_event(paid, stripe_api):
    intent = PaymentAttempt.objects.get(status="paid").stripe_payment_intent
    dashboard_refund = {
        "id": "re_dashboard",
        "object": "refund",
        "amount": 5000,
        "payment_intent": intent,
        "status": "succeeded",
    }

    response = deliver(event("refund.created", dashboard_refund))

    assert response.json()["outcome"] == "Refund recorded."
    assert Refund.objects.get().amount == Decimal("50.00")
    paid.refresh_from_db()
    assert paid.payment_status == PaymentStatus.REFUNDED


def test_only_admins_refund_and_only_paid_card_payments(
    in_state, paid, customer, professional, admin_user, stripe_api
):
    unpaid = in_state(Status.COMPLETED)
    cash_job = in_state(Status.COMPLETED)
    cash.cash_record(request_id=cash_job.pk, professional=professional)
    cash.cash_confirm(request_id=cash_job.pk, customer=customer)

    with pytest.raises(NotAllowed):
        refunds.refund_create(request_id=paid.pk, actor=customer, amount="1")
    with pytest.raises(Conflict) as not_paid:
        refunds.refund_create(request_id=unpaid.pk, actor=admin_user, amount="1")
    with pytest.raises(Conflict) as not_card:
        refunds.refund_create(request_id=cash_job.pk, actor=admin_user, amount="1")

    assert (not_paid.value.code, not_card.value.code) == ("not_paid", "not_card_payment")


def test_the_admin_refunds_from_the_payments_list(paid, admin_user, stripe_api):
    browser = Client()
    browser.force_login(admin_user)
    attempt = PaymentAttempt.objects.get(status="paid")
    changelist = "/admin/requests_app/paymentattempt/"

    form = browser.post(changelist, {"action": "refund", "_selected_action": [attempt.pk]})
    done = browser.post(
        changelist,
        {
            "action": "refund",
            "_selected_action": [attempt.pk],
            "apply": "1",
            "amount": "12.50",
            "reason": "Late",
        },
        follow=True,
    )

    assert form.status_code == 200 and b"Refund a payment" in form.content
    assert Refund.objects.get().amount == Decimal("12.50")
    assert b"refund of 12.50 asked of Stripe" in done.content


def test_the_admin_sees_stripe_down_in_the_admin(paid, admin_user, stripe_api):
    browser = Client()
    browser.force_login(admin_user)
    attempt = PaymentAttempt.objects.get(status="paid")
    stripe_api.failure = (500, {"error": {"type": "api_error", "message": "Stripe is down."}})

    page = browser.post(
        "/admin/requests_app/paymentattempt/",
        {"action": "refund", "_selected_action": [attempt.pk], "apply": "1", "amount": "5"},
        follow=True,
    )

    assert b"The refund could not be made, and nothing was recorded: Stripe is down." in page.content
    assert not Refund.objects.exists()


def test_the_admin_settles_a_declined_price_from_the_price_changes_list(
    settings, in_state, professional, customer, admin_user
):
    from requests_app import services
    from requests_app.money import price_changes
    from requests_app.money.models import PriceChange

    settings.PRICE_TOLERANCE_PERCENT = Decimal("10")
    job = in_state(Status.ON_SITE)
    services.service_request_complete(
        request_id=job.pk, professional=professional, final_price="65", price_reason="Extra work"
    )
    price_changes.price_change_decline(request_id=job.pk, customer=customer)
    change = PriceChange.objects.get()
    browser = Client()
    browser.force_login(admin_user)

    browser.post(
        "/admin/requests_app/pricechange/",
        {"action": "settle", "_selected_action": [change.pk], "apply": "1", "price": "55.00"},
    )

    change.refresh_from_db()
    job.refresh_from_db()
    assert (change.status, job.final_price) == ("settled", Decimal("55.00"))


# --- Cash: refunded outside the site, recorded by an admin (docs/architecture.md, Money) -------


@pytest.fixture
def paid_in_cash(in_state, customer, professional):
    """Alice paid Carol 45.00 plus a 5.00 tip in cash, and confirmed it."""
    job = in_state(Status.COMPLETED)
    cash.cash_record(request_id=job.pk, professional=professional, tip="5")
    cash.cash_confirm(request_id=job.pk, customer=customer)
    return job


def test_an_admin_records_a_cash_refund_made_outside_the_site(paid_in_cash, admin_user, stripe_api):
    refund = refunds.refund_record_cash(
        request_id=paid_in_cash.pk, actor=admin_user, amount="10", reason="Late"
    )

    assert (refund.method, refund.status, refund.amount) == ("cash", "succeeded", Decimal("10.00"))
    assert stripe_api.calls == []  # no Stripe: the cash went back by hand
    reversal = EarningsEntry.objects.get(kind="reversal")
    # 10 of 50 paid: a fifth of the credit (45.00 - 6.75 + 5.00 = 43.25) is taken back.
    assert (reversal.price, reversal.commission, reversal.tip, reversal.amount) == (
        Decimal("-9.00"),
        Decimal("-1.35"),
        Decimal("-1.00"),
        Decimal("-8.65"),
    )
    assert ("Refunded in cash", "-10.00 INR") in receipts.receipt_lines(paid_in_cash)
    paid_in_cash.refresh_from_db()
    assert paid_in_cash.payment_status == PaymentStatus.PAID


def test_a_cash_refund_of_the_rest_makes_it_refunded_and_more_is_refused(paid_in_cash, admin_user):
    refunds.refund_record_cash(request_id=paid_in_cash.pk, actor=admin_user)
    paid_in_cash.refresh_from_db()
    assert paid_in_cash.payment_status == PaymentStatus.REFUNDED

    with pytest.raises(Conflict) as nothing_left:
        refunds.refund_record_cash(request_id=paid_in_cash.pk, actor=admin_user, amount="1")
    assert nothing_left.value.code == "nothing_to_refund"


def test_a_cash_refund_above_what_was_paid_is_a_field_error(paid_in_cash, admin_user):
    with pytest.raises(ValidationFailed) as refused:
        refunds.refund_record_cash(request_id=paid_in_cash.pk, actor=admin_user, amount="50.01")

    assert refused.value.errors == {"amount": ["More than was paid: at most 50.00 is left to refund."]}
    assert not Refund.objects.exists()


def test_only_admins_record_cash_refunds_and_only_for_cash_payments(paid, paid_in_cash, admin_user, customer):
    with pytest.raises(NotAllowed):
        refunds.refund_record_cash(request_id=paid_in_cash.pk, actor=customer, amount="1")
    with pytest.raises(Conflict) as card:
        refunds.refund_record_cash(request_id=paid.pk, actor=admin_user, amount="1")

    assert card.value.code == "not_cash_payment"


def test_the_admin_records_a_cash_refund_from_the_payments_list(paid_in_cash, admin_user):
    browser = Client()
    browser.force_login(admin_user)
    attempt = PaymentAttempt.objects.get(status="paid")

    done = browser.post(
        "/admin/requests_app/paymentattempt/",
        {"action": "record_cash_refund", "_selected_action": [attempt.pk], "apply": "1", "amount": "7.50"},
        follow=True,
    )

    assert b"cash refund of 7.50 recorded" in done.content
    assert Refund.objects.get().method == "cash"
