"""Stripe tells us what happened: the signed webhook, each event applied once.

Stripe retries an event until it gets a 2xx and may deliver it twice at once, and does not
promise any order: the event's id is claimed (unique) in the same transaction that applies it,
the request's row is locked while it is, and a late event never undoes a later state (a failure
reported after the success, a success reported after the refund). The handlers of PaymentIntent
events are here; those of Checkout Sessions and refunds in ``checkout`` and ``refunds``.
"""

from __future__ import annotations

import logging
import time

import stripe
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from householdsvc.core.errors import ValidationFailed
from requests_app.models import (
    PaymentStatus,
    ServiceRequest,
    StripeEvent,
)
from requests_app.money import card_on_file, checkout, fee_charge, hooks, refunds
from requests_app.payments import (
    PaymentsUnavailable,
    WebhookOutcome,
    payment_note,
    set_payment,
    to_minor_units,
)

# The payments' logger, as before the webhook had a module of its own (operators filter on it).
logger = logging.getLogger("requests_app.payments")


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
        raise PaymentsUnavailable(gettext("Stripe events are not accepted on this site at the moment."))
    try:
        _check_not_signed_in_the_future(signature)
        event = stripe.Webhook.construct_event(payload, signature, secret).to_dict()
        event_id, event_type, data_object = event["id"], event["type"], event["data"]["object"]
    except stripe.SignatureVerificationError as exc:
        raise ValidationFailed(
            gettext("Invalid Stripe signature: %(user_message)s") % {"user_message": exc.user_message},
            code="invalid_signature",
        ) from exc
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        # Not UTF-8, not JSON, not an event. Only ever seen with a valid signature.
        raise ValidationFailed(gettext("Not a Stripe event."), code="invalid_payload") from exc
    if not (isinstance(event_id, str) and event_id and isinstance(event_type, str)):
        raise ValidationFailed(gettext("Not a Stripe event."), code="invalid_payload")
    if not isinstance(data_object, dict):
        raise ValidationFailed(gettext("Not a Stripe event."), code="invalid_payload")
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
    # A Checkout payment that saved the card (setup_future_usage) names it: now on file.
    card_on_file.card_remember(intent)
    if fee_charge.is_fee_intent(intent):
        return fee_charge.on_fee_intent_succeeded(intent)
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
        payment_note(service_request, note)
        return service_request, False, "Not applied: amount or currency differs from the price."
    set_payment(service_request, PaymentStatus.PAID)
    payment_note(
        service_request,
        f"Payment received: {service_request.final_price} {currency.upper()} ({intent['id']}).",
    )
    hooks.app_payment_paid(service_request=service_request, intent_id=intent["id"])
    return service_request, True, "Marked paid."


def _on_intent_failed(intent: dict):
    if fee_charge.is_fee_intent(intent):
        return fee_charge.on_fee_intent_failed(intent)
    service_request, why = _intent_request(intent)
    if service_request is None:
        return None, False, why
    if service_request.payment_status in (PaymentStatus.PAID, PaymentStatus.REFUNDED):
        # An earlier attempt's failure, reported after the payment went through.
        return service_request, False, f"Ignored: the payment is already {service_request.payment_status}."
    reason = (intent.get("last_payment_error") or {}).get("message") or "no reason given"
    set_payment(service_request, PaymentStatus.FAILED)
    payment_note(service_request, f"Payment failed ({intent['id']}): {reason}")
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
        payment_note(service_request, f"Partial refund of {refunded} (smallest unit) on {intent_id}.")
        return service_request, True, "Partial refund noted."
    set_payment(service_request, PaymentStatus.REFUNDED)
    payment_note(service_request, f"Payment refunded in full ({intent_id}).")
    return service_request, True, "Marked refunded."


EVENT_HANDLERS = {
    "payment_intent.succeeded": _on_intent_succeeded,
    "payment_intent.payment_failed": _on_intent_failed,
    "charge.refunded": _on_charge_refunded,
}


def _handler(event_type: str):
    # PaymentIntents (the app's pay), Checkout Sessions (the web's Pay button), refunds and
    # the card on file.
    return (
        EVENT_HANDLERS.get(event_type)
        or checkout.EVENT_HANDLERS.get(event_type)
        or refunds.EVENT_HANDLERS.get(event_type)
        or card_on_file.EVENT_HANDLERS.get(event_type)
    )
