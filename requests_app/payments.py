"""Paying for a service request through Stripe: starting a payment, and the shared pieces.

The customer pays the final price of a completed (or closed) request. ``payment_start`` creates
a Stripe PaymentIntent for it and hands back its client secret, with which the app confirms the
payment straight with Stripe. Stripe then tells us the outcome through the signed webhook
(``requests_app.money.webhook``), which moves ``payment_status``: paid, failed or refunded, each
change written to the request's audit trail as a ``payment`` note (its status does not move).
The PaymentIntent names the customer's Stripe Customer and saves the card for off-session use,
as Checkout does (``money.card_on_file``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import stripe
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from accounts.validation import ensure_active
from householdsvc.core.errors import Conflict, NotAllowed, ServiceError
from requests_app.models import (
    PAYABLE_STATUSES,
    Action,
    PaymentStatus,
    RequestEvent,
    ServiceRequest,
)
from requests_app.money import card_on_file, hooks, pricing
from requests_app.services import service_request_lock
from requests_app.status_words import status_word

logger = logging.getLogger(__name__)

# Stripe takes amounts in the currency's smallest unit; these have none below the unit.
ZERO_DECIMAL_CURRENCIES = frozenset(
    {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof"}
    | {"xpf"}
)
# A PaymentIntent in these states can still be paid with the client secret already handed out.
REUSABLE_INTENT_STATUSES = frozenset(
    {"requires_payment_method", "requires_confirmation", "requires_action", "processing"}
)
MAX_NETWORK_RETRIES = 2


class PaymentsUnavailable(ServiceError):
    """Stripe is not configured on this site (no secret key, or no webhook secret)."""

    status_code = 503
    code = "payments_unavailable"


class PaymentProviderError(ServiceError):
    """Stripe could not be reached or refused the call."""

    status_code = 502
    code = "payment_provider_error"


@dataclass(frozen=True)
class PaymentStart:
    service_request: ServiceRequest
    payment_intent_id: str
    client_secret: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class WebhookOutcome:
    event_id: str
    duplicate: bool
    processed: bool
    outcome: str


# --- Stripe --------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _stripe_client(api_key: str, api_base: str, timeout: int) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": api_base} if api_base else None,
        # Safe to retry: every create carries an idempotency key.
        max_network_retries=MAX_NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=timeout),
    )


def stripe_client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise PaymentsUnavailable(gettext("Payments are not available on this site at the moment."))
    return _stripe_client(
        settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE, settings.STRIPE_TIMEOUT_SECONDS
    )


def to_minor_units(amount: Decimal, currency: str) -> int:
    """The amount in the currency's smallest unit (paise, cents), as Stripe takes it."""
    exponent = 0 if currency.lower() in ZERO_DECIMAL_CURRENCIES else 2
    return int((Decimal(amount) * 10**exponent).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def payment_note(service_request: ServiceRequest, note: str, actor=None) -> None:
    RequestEvent.objects.create(
        request=service_request,
        action=Action.PAYMENT,
        from_status=service_request.status,
        to_status=service_request.status,
        actor=actor,
        note=note[:1000],
    )


def set_payment(service_request: ServiceRequest, payment_status: str, reference: str | None = None) -> None:
    service_request.payment_status = payment_status
    fields = ["payment_status", "updated_at"]
    if reference is not None:
        service_request.payment_reference = reference
        fields.append("payment_reference")
    service_request.save(update_fields=fields)


# --- The customer pays ---------------------------------------------------------------------


def payment_start(*, request_id, customer) -> PaymentStart:
    """The customer starts paying the final price of their completed or closed request.

    Returns the PaymentIntent's client secret. Asking again while a payment is pending or has
    failed hands back the same PaymentIntent (it can still be paid; a second one could be
    paid as well and charge the customer twice), unless Stripe cancelled it or the price
    changed, when a new one replaces it.
    """
    client = stripe_client()
    currency = settings.CURRENCY.lower()
    ensure_active(customer)
    with transaction.atomic():
        # The row stays locked during the call to Stripe, so a double tap waits for the first
        # and reuses its PaymentIntent instead of creating a second one.
        service_request = service_request_lock(request_id=request_id, visible_to=customer)
        if service_request.customer_id != customer.pk:
            raise NotAllowed(gettext("Only the customer who made the request may pay for it."))
        if service_request.status not in PAYABLE_STATUSES:
            raise Conflict(
                gettext("Only a completed or closed request can be paid: it is %(status)s.")
                % {"status": status_word(service_request.status)},
                code="not_payable",
            )
        if service_request.payment_status in (PaymentStatus.PAID, PaymentStatus.REFUNDED):
            raise Conflict(
                gettext("This request is already %(payment_status)s.")
                % {"payment_status": service_request.payment_status},
                code="already_paid",
            )
        pricing.ensure_price_decided(service_request)
        hooks.ensure_no_open_checkout(service_request)
        amount = to_minor_units(service_request.final_price, currency)
        if amount <= 0:
            raise Conflict(gettext("There is nothing to pay: the final price is 0."), code="nothing_to_pay")

        intent = _reusable_intent(client, service_request, amount, currency)
        if intent is None:
            intent = _create_intent(client, service_request, amount, currency)
        if (service_request.payment_status, service_request.payment_reference) != (
            PaymentStatus.PENDING,
            intent.id,
        ):
            set_payment(service_request, PaymentStatus.PENDING, intent.id)
            payment_note(
                service_request,
                f"Payment started: {service_request.final_price} {currency.upper()} ({intent.id}).",
                actor=customer,
            )
    return PaymentStart(
        service_request=service_request,
        payment_intent_id=intent.id,
        client_secret=intent.client_secret,
        amount=service_request.final_price,
        currency=currency,
    )


def _reusable_intent(client, service_request, amount, currency):
    reference = service_request.payment_reference
    if not reference.startswith("pi_"):
        return None
    try:
        intent = client.v1.payment_intents.retrieve(reference)
    except stripe.InvalidRequestError:  # unknown to Stripe (another account, test vs live)
        return None
    except stripe.StripeError as exc:
        raise provider_error(exc, service_request) from exc
    if intent.status == "succeeded":
        # Paid, and Stripe's event is on its way: a new intent now could charge twice.
        raise Conflict(
            gettext("This request is already paid; the confirmation is on its way."), code="already_paid"
        )
    if intent.status in REUSABLE_INTENT_STATUSES and (intent.amount, intent.currency) == (amount, currency):
        return intent
    return None


def _create_intent(client, service_request, amount, currency):
    # The same attempt always sends the same key: if Stripe created the intent but the answer
    # or our commit was lost, the retry gets that intent back instead of a second one. A
    # replaced intent (cancelled, re-priced) is part of the key, so its successor is new.
    replaces = service_request.payment_reference or "none"
    idempotency_key = f"householdsvc-request-{service_request.pk}-{amount}{currency}-after-{replaces}"
    customer_id = card_on_file.stripe_customer_id(
        client, user=service_request.customer, service_request=service_request
    )
    try:
        return client.v1.payment_intents.create(
            params={
                "amount": amount,
                "currency": currency,
                "automatic_payment_methods": {"enabled": True},
                # The card is saved on the customer's Stripe Customer, as on Checkout: a later
                # cancellation fee is charged to it off-session (money.fee_charge).
                "customer": customer_id,
                "setup_future_usage": "off_session",
                "description": f"{service_request.service.name}, request #{service_request.pk}",
                "metadata": {"request_id": str(service_request.pk)},
            },
            options={"idempotency_key": idempotency_key[:255]},
        )
    except stripe.StripeError as exc:
        raise provider_error(exc, service_request) from exc


def provider_error(exc: stripe.StripeError, service_request) -> PaymentProviderError:
    logger.error("Stripe refused or failed a call for request %s: %s", service_request.pk, exc)
    message = getattr(exc, "user_message", None) or "The payment provider could not be reached."
    return PaymentProviderError(
        gettext("The payment could not be started: %(message)s") % {"message": message}
    )
