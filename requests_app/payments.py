"""Paying for a service request through Stripe: starting a payment and applying Stripe's events.

The customer pays the final price of a completed (or closed) request. ``payment_start`` creates
a Stripe PaymentIntent for it and hands back its client secret, with which the app confirms the
payment straight with Stripe; Stripe then tells us the outcome through the webhook, and
``stripe_webhook_receive`` moves ``payment_status``: ``payment_intent.succeeded`` → paid,
``payment_intent.payment_failed`` → failed, a full ``charge.refunded`` → refunded. Each change
is written to the request's audit trail as a ``payment`` note (its status does not move).

Stripe retries an event until it gets a 2xx and may deliver it twice at once, and does not
promise any order: the event's id is claimed (unique) in the same transaction that applies it,
the request's row is locked while it is, and a late event never undoes a later state (a failure
reported after the success, a success reported after the refund).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import stripe
from django.conf import settings
from django.db import transaction

from accounts.validation import ensure_active
from householdsvc.core.errors import Conflict, NotAllowed, ServiceError, ValidationFailed
from requests_app.models import (
    PAYABLE_STATUSES,
    Action,
    PaymentStatus,
    RequestEvent,
    ServiceRequest,
    StripeEvent,
)
from requests_app.money import hooks, pricing
from requests_app.services import service_request_lock

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
        raise PaymentsUnavailable("Payments are not available on this site at the moment.")
    return _stripe_client(
        settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE, settings.STRIPE_TIMEOUT_SECONDS
    )


def to_minor_units(amount: Decimal, currency: str) -> int:
    """The amount in the currency's smallest unit (paise, cents), as Stripe takes it."""
    exponent = 0 if currency.lower() in ZERO_DECIMAL_CURRENCIES else 2
    return int((Decimal(amount) * 10**exponent).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _note(service_request: ServiceRequest, note: str, actor=None) -> None:
    RequestEvent.objects.create(
        request=service_request,
        action=Action.PAYMENT,
        from_status=service_request.status,
        to_status=service_request.status,
        actor=actor,
        note=note[:1000],
    )


def _set_payment(service_request: ServiceRequest, payment_status: str, reference: str | None = None) -> None:
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
            raise NotAllowed("Only the customer who made the request may pay for it.")
        if service_request.status not in PAYABLE_STATUSES:
            raise Conflict(
                f"Only a completed or closed request can be paid: it is {service_request.status}.",
                code="not_payable",
            )
        if service_request.payment_status in (PaymentStatus.PAID, PaymentStatus.REFUNDED):
            raise Conflict(f"This request is already {service_request.payment_status}.", code="already_paid")
        pricing.ensure_price_decided(service_request)
        hooks.ensure_no_open_checkout(service_request)
        amount = to_minor_units(service_request.final_price, currency)
        if amount <= 0:
            raise Conflict("There is nothing to pay: the final price is 0.", code="nothing_to_pay")

        intent = _reusable_intent(client, service_request, amount, currency)
        if intent is None:
            intent = _create_intent(client, service_request, amount, currency)
        if (service_request.payment_status, service_request.payment_reference) != (
            PaymentStatus.PENDING,
            intent.id,
        ):
            _set_payment(service_request, PaymentStatus.PENDING, intent.id)
            _note(
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
        raise _provider_error(exc, service_request) from exc
    if intent.status == "succeeded":
        # Paid, and Stripe's event is on its way: a new intent now could charge twice.
        raise Conflict("This request is already paid; the confirmation is on its way.", code="already_paid")
    if intent.status in REUSABLE_INTENT_STATUSES and (intent.amount, intent.currency) == (amount, currency):
        return intent
    return None


def _create_intent(client, service_request, amount, currency):
    # The same attempt always sends the same key: if Stripe created the intent but the answer
    # or our commit was lost, the retry gets that intent back instead of a second one. A
    # replaced intent (cancelled, re-priced) is part of the key, so its successor is new.
    replaces = service_request.payment_reference or "none"
    idempotency_key = f"householdsvc-request-{service_request.pk}-{amount}{currency}-after-{replaces}"
    try:
        return client.v1.payment_intents.create(
            params={
                "amount": amount,
                "currency": currency,
                "automatic_payment_methods": {"enabled": True},
                "description": f"{service_request.service.name}, request #{service_request.pk}",
                "metadata": {"request_id": str(service_request.pk)},
            },
            options={"idempotency_key": idempotency_key[:255]},
        )
    except stripe.StripeError as exc:
        raise _provider_error(exc, service_request) from exc


def _provider_error(exc: stripe.StripeError, service_request) -> PaymentProviderError:
    logger.error("Stripe refused or failed a call for request %s: %s", service_request.pk, exc)
    message = getattr(exc, "user_message", None) or "The payment provider could not be reached."
    return PaymentProviderError(f"The payment could not be started: {message}")


# --- Stripe tells us what happened ---------------------------------------------------------


def _check_not_signed_in_the_future(signature: str | None) -> None:
    """Stripe's library refuses a timestamp older than its tolerance but not one ahead of
    the clock (``verify_header`` compares one side only), so a body signed for an hour ahead
    would replay for an hour and five minutes. Refused here with the library's own error."""
    if not signature:
        return  # the library says the header is missing
    tolerance = stripe.Webhook.DEFAULT_TOLERANCE
    for item in signature.split(","):
        key, _, value = item.partition("=")
        if key.strip() == "t" and value.strip().isdigit() and int(value) > time.time() + tolerance:
            raise stripe.SignatureVerificationError(
                f"Timestamp outside the tolerance zone ({int(value)})", signature, None
            )


def stripe_webhook_receive(*, payload: bytes, signature: str | None) -> WebhookOutcome:
    """Check that Stripe signed ``payload`` (with our webhook secret, within five minutes)
    and apply the event it carries, once."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise PaymentsUnavailable("Stripe events are not accepted on this site at the moment.")
    try:
        _check_not_signed_in_the_future(signature)
        event = stripe.Webhook.construct_event(payload, signature, secret).to_dict()
        event_id, event_type, data_object = event["id"], event["type"], event["data"]["object"]
    except stripe.SignatureVerificationError as exc:
        raise ValidationFailed(
            f"Invalid Stripe signature: {exc.user_message}", code="invalid_signature"
        ) from exc
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        # Not UTF-8, not JSON, not an event. Only ever seen with a valid signature.
        raise ValidationFailed("Not a Stripe event.", code="invalid_payload") from exc
    if not (isinstance(event_id, str) and event_id and isinstance(event_type, str)):
        raise ValidationFailed("Not a Stripe event.", code="invalid_payload")
    if not isinstance(data_object, dict):
        raise ValidationFailed("Not a Stripe event.", code="invalid_payload")
    return stripe_event_apply(event_id=event_id, event_type=event_type, data_object=data_object)


def stripe_event_apply(*, event_id: str, event_type: str, data_object: dict) -> WebhookOutcome:
    """Apply one verified event, or acknowledge it again without applying it."""
    with transaction.atomic():
        # A second delivery running at the same time blocks on the unique event id until the
        # first commits, then finds it taken: it is acknowledged and not applied again. If the
        # first rolls back (a crash), the claim goes with it and a redelivery applies it.
        stripe_event, created = StripeEvent.objects.get_or_create(
            event_id=event_id, defaults={"type": event_type[:100]}
        )
        if not created:
            return WebhookOutcome(event_id, True, stripe_event.processed, stripe_event.outcome)
        handler = _handler(event_type)
        if handler is None:
            service_request, processed, outcome = None, False, "Ignored: not an event this site uses."
        else:
            service_request, processed, outcome = handler(data_object)
        stripe_event.service_request = service_request
        stripe_event.processed = processed
        stripe_event.outcome = outcome[:255]
        stripe_event.save(update_fields=["service_request", "processed", "outcome"])
    if not processed:
        logger.info("Stripe event %s (%s) not applied: %s", event_id, event_type, outcome)
    return WebhookOutcome(event_id, False, processed, outcome)


def _locked_request(request_id=None, *, payment_reference=None) -> ServiceRequest | None:
    """The request, locked: two events about it (a success and a refund) apply one by one.
    Found by the ``request_id`` in the metadata, else by the PaymentIntent's id."""
    rows = ServiceRequest.objects.select_for_update().select_related("service")
    if str(request_id or "").isdigit():
        found = rows.filter(pk=int(request_id)).first()
        if found is not None:
            return found
    if payment_reference:
        return rows.filter(payment_reference=payment_reference).first()
    return None


def _intent_request(intent: dict):
    """The request a PaymentIntent event is about, or ``(None, why)``."""
    metadata = intent.get("metadata") or {}
    service_request = _locked_request(metadata.get("request_id"))
    if service_request is None:
        return None, "Ignored: no request of ours matches this payment."
    if service_request.payment_reference != intent.get("id"):
        return None, "Ignored: not the request's current payment."
    return service_request, ""


def _on_intent_succeeded(intent: dict):
    service_request, why = _intent_request(intent)
    if service_request is None:
        return None, False, why
    if service_request.payment_status in (PaymentStatus.PAID, PaymentStatus.REFUNDED):
        return service_request, False, f"Ignored: the payment is already {service_request.payment_status}."
    currency = settings.CURRENCY.lower()
    expected = to_minor_units(service_request.final_price, currency)
    received = intent.get("amount_received", intent.get("amount"))
    if (received, intent.get("currency")) != (expected, currency):
        # Money arrived, but not the price: neither "paid" (it is not) nor "failed" (it did
        # not fail). It stays as it is, noted in the trail and logged, for a person to settle.
        note = (
            f"Stripe reports {received} {str(intent.get('currency')).upper()} (smallest unit) received for "
            f"{intent['id']}, but {expected} {currency.upper()} is due: left for review."
        )
        logger.error("Payment amount mismatch on request %s: %s", service_request.pk, note)
        _note(service_request, note)
        return service_request, False, "Not applied: amount or currency differs from the price."
    _set_payment(service_request, PaymentStatus.PAID)
    _note(
        service_request,
        f"Payment received: {service_request.final_price} {currency.upper()} ({intent['id']}).",
    )
    hooks.app_payment_paid(service_request=service_request, intent_id=intent["id"])
    return service_request, True, "Marked paid."


def _on_intent_failed(intent: dict):
    service_request, why = _intent_request(intent)
    if service_request is None:
        return None, False, why
    if service_request.payment_status in (PaymentStatus.PAID, PaymentStatus.REFUNDED):
        # An earlier attempt's failure, reported after the payment went through.
        return service_request, False, f"Ignored: the payment is already {service_request.payment_status}."
    reason = (intent.get("last_payment_error") or {}).get("message") or "no reason given"
    _set_payment(service_request, PaymentStatus.FAILED)
    _note(service_request, f"Payment failed ({intent['id']}): {reason}")
    return service_request, True, "Marked failed."


def _on_charge_refunded(charge: dict):
    intent_id = charge.get("payment_intent")
    if not intent_id:
        return None, False, "Ignored: the charge has no PaymentIntent."
    service_request = _locked_request(
        (charge.get("metadata") or {}).get("request_id"), payment_reference=intent_id
    )
    if service_request is None or service_request.payment_reference != intent_id:
        return None, False, "Ignored: no request of ours matches this payment."
    if service_request.payment_status == PaymentStatus.REFUNDED:
        return service_request, False, "Ignored: the payment is already refunded."
    refunded = charge.get("amount_refunded") or 0
    if not charge.get("refunded"):
        # A partial refund: the request stays paid; the trail says how much went back.
        _note(service_request, f"Partial refund of {refunded} (smallest unit) on {intent_id}.")
        return service_request, True, "Partial refund noted."
    _set_payment(service_request, PaymentStatus.REFUNDED)
    _note(service_request, f"Payment refunded in full ({intent_id}).")
    return service_request, True, "Marked refunded."


EVENT_HANDLERS = {
    "payment_intent.succeeded": _on_intent_succeeded,
    "payment_intent.payment_failed": _on_intent_failed,
    "charge.refunded": _on_charge_refunded,
}


def _handler(event_type: str):
    # Checkout Sessions (the web's Pay button) and refunds are handled in requests_app.money,
    # whose modules import this one: looked up when an event comes, not at import.
    from requests_app.money import checkout, refunds

    return (
        EVENT_HANDLERS.get(event_type)
        or checkout.EVENT_HANDLERS.get(event_type)
        or refunds.EVENT_HANDLERS.get(event_type)
    )
