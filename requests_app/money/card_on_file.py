"""The customer's card on file: one Stripe Customer per user (created once, with an
idempotency key) that every Checkout Session of theirs names, with
``payment_intent_data.setup_future_usage='off_session'`` so that Stripe saves the card; the
signed ``payment_intent.succeeded`` event names the saved card (``payment_method``), kept here
for charging a cancellation fee off-session (``money.fee_charge``)."""

from __future__ import annotations

import stripe

from requests_app import payments
from requests_app.money.models import StripeCustomer


def stripe_customer_id(client, *, user, service_request) -> str:
    """The user's Stripe Customer, created at Stripe the first time. The key is the user's:
    two payments at once, or a retry after a lost answer, get the same Customer back."""
    existing = StripeCustomer.objects.filter(user=user).only("customer_id").first()
    if existing is not None:
        return existing.customer_id
    try:
        customer = client.v1.customers.create(
            params={
                "email": user.email,
                "name": user.full_name,
                "metadata": {"user_id": str(user.pk)},
            },
            options={"idempotency_key": f"householdsvc-customer-{user.pk}"},
        )
    except stripe.StripeError as exc:
        raise payments.provider_error(exc, service_request) from exc
    record, _ = StripeCustomer.objects.get_or_create(user=user, defaults={"customer_id": customer.id})
    return record.customer_id


def card_remember(intent: dict) -> bool:
    """A succeeded PaymentIntent that saved its card for off-session use: that card is now the
    one on file for its Customer (unless a later payment's card already is)."""
    customer_id, method = intent.get("customer"), intent.get("payment_method")
    if not (isinstance(customer_id, str) and isinstance(method, str) and customer_id and method):
        return False
    if intent.get("setup_future_usage") != "off_session":
        return False
    created = intent.get("created") or 0
    return bool(
        StripeCustomer.objects.filter(customer_id=customer_id, payment_method_since__lte=created)
        .exclude(payment_method_id=method)
        .update(payment_method_id=method, payment_method_since=created)
    )


def card_on_file(user_id) -> StripeCustomer | None:
    return StripeCustomer.objects.filter(user_id=user_id).exclude(payment_method_id="").first()


def on_payment_method_detached(method: dict):
    """``payment_method.detached``: the customer removed the card at Stripe (or Stripe did, e.g.
    a card that expired): it is no longer on file, so a later fee is due on Checkout instead of
    being charged off-session to a card Stripe would refuse."""
    method_id = method.get("id")
    if not (isinstance(method_id, str) and method_id):
        return None, False, "Ignored: the event names no payment method."
    if not StripeCustomer.objects.filter(payment_method_id=method_id).update(payment_method_id=""):
        return None, False, "Ignored: not a card on file here."
    return None, True, "Card on file forgotten: detached at Stripe."


EVENT_HANDLERS = {"payment_method.detached": on_payment_method_detached}
