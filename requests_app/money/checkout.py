"""Paying on the web: a Stripe Checkout Session (Stripe's hosted page) for the final price and
an optional tip, and the webhook events about it.

``checkout_start`` creates the session server-side, under the request's row lock and with an
idempotency key, and records it as an open ``PaymentAttempt``; the customer's browser is sent
to the session's ``url`` and comes back to the request. Only Stripe's signed events change
anything afterwards: ``checkout.session.completed`` (or ``async_payment_succeeded``) with
``payment_status`` paid marks the request paid, ``checkout.session.expired`` lets the customer
start again. A double tap reuses the open session; a different tip expires the old session at
Stripe first, so two sessions can never both be paid.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

import stripe
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.validation import ensure_active
from householdsvc.core.errors import Conflict, NotAllowed, NotFound
from householdsvc.core.validation import invalid
from requests_app import payments
from requests_app.models import PAYABLE_STATUSES, PaymentStatus, ServiceRequest
from requests_app.money import card_on_file, fees, paid
from requests_app.money.models import PaymentAttempt, PaymentAttemptStatus, PaymentMethod
from requests_app.money.pricing import ensure_price_decided, money
from requests_app.selectors import can_see
from requests_app.services import service_request_lock
from requests_app.status_words import status_word

logger = logging.getLogger(__name__)

TIP_MAX = Decimal("10000.00")


@dataclass(frozen=True)
class CheckoutStart:
    attempt: PaymentAttempt
    url: str


def clean_tip(tip) -> Decimal:
    if tip in (None, ""):
        return Decimal("0.00")
    try:
        value = Decimal(str(tip))
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        invalid({"tip": ["Enter the tip as a number."]})
    if value < 0 or value > TIP_MAX:
        invalid({"tip": [f"Between 0 and {TIP_MAX}."]})
    if value != value.quantize(Decimal("0.01")):
        invalid({"tip": ["At most two decimal places."]})
    return money(value)


def ensure_payable(service_request, customer) -> None:
    """The checks every way of paying shares, on the locked request."""
    if not can_see(customer, service_request):
        raise NotFound(gettext("No such service request."))
    if service_request.customer_id != customer.pk:
        raise NotAllowed(gettext("Only the customer who made the request may pay for it."))
    if service_request.status not in PAYABLE_STATUSES and fees.fee_pending(service_request):
        raise Conflict(gettext("The fee is being charged to your card on file."), code="fee_pending")
    if service_request.status not in PAYABLE_STATUSES and fees.fee_due(service_request) is None:
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
    ensure_price_decided(service_request)
    if PaymentAttempt.objects.filter(
        request=service_request, status=PaymentAttemptStatus.AWAITING_CONFIRMATION
    ).exists():
        raise Conflict(
            gettext("The professional recorded a cash payment: confirm it instead."), code="cash_pending"
        )
    due = fees.amount_due(service_request)
    if not due or due <= 0:
        raise Conflict(gettext("There is nothing to pay: the final price is 0."), code="nothing_to_pay")


def checkout_start(*, request_id, customer, tip=None, return_url: str = "") -> CheckoutStart:
    """The customer pays their completed request's final price (plus ``tip``) on Stripe's
    hosted page. ``return_url`` is the request's page to come back to (the site's by default)."""
    client = payments.stripe_client()  # 503 before anything when card payment is off
    tip = clean_tip(tip)
    ensure_active(customer)
    currency = settings.CURRENCY.lower()
    with transaction.atomic():
        # Locked during the calls to Stripe: a double tap waits and reuses this session.
        service_request = service_request_lock(request_id=request_id)
        ensure_payable(service_request, customer)
        price = fees.amount_due(service_request)
        _cancel_app_intent(client, service_request)
        for attempt in PaymentAttempt.objects.select_for_update().filter(
            request=service_request, method=PaymentMethod.CARD, status=PaymentAttemptStatus.OPEN
        ):
            session = _retrieve(client, attempt.stripe_session_id, service_request)
            if session is not None and session.status == "complete":
                raise Conflict(
                    gettext("This request is already paid; the confirmation is on its way."),
                    code="already_paid",
                )
            if session is not None and session.status == "open":
                if (attempt.price, attempt.tip) == (price, tip):
                    return CheckoutStart(attempt=attempt, url=session.url)
                _expire(client, attempt.stripe_session_id, service_request)
            attempt.status = PaymentAttemptStatus.REPLACED
            attempt.save(update_fields=["status"])

        session = _create_session(client, service_request, price, tip, currency, return_url)
        attempt = PaymentAttempt.objects.create(
            request=service_request,
            method=PaymentMethod.CARD,
            status=PaymentAttemptStatus.OPEN,
            price=price,
            tip=tip,
            stripe_session_id=session.id,
            recorded_by=customer,
        )
        payments.set_payment(service_request, PaymentStatus.PENDING, session.id)
        tip_note = f" with a tip of {tip}" if tip else ""
        payments.payment_note(
            service_request,
            f"Card payment started on Stripe Checkout: {attempt.total} {currency.upper()}{tip_note} "
            f"({session.id}).",
            actor=customer,
        )
    return CheckoutStart(attempt=attempt, url=session.url)


def _cancel_app_intent(client, service_request) -> None:
    """A PaymentIntent the app started and left open could still be paid beside this session:
    it is cancelled at Stripe first. One Stripe says succeeded means the request is paid."""
    reference = service_request.payment_reference
    if not (reference.startswith("pi_") and service_request.payment_status == PaymentStatus.PENDING):
        return
    try:
        client.v1.payment_intents.cancel(reference)
    except stripe.InvalidRequestError as exc:
        try:
            intent = client.v1.payment_intents.retrieve(reference)
        except stripe.StripeError:
            return
        if intent.status in ("succeeded", "processing"):
            raise Conflict(
                gettext("This request is already paid; the confirmation is on its way."), code="already_paid"
            ) from exc
    except stripe.StripeError as exc:
        raise payments.provider_error(exc, service_request) from exc


def _retrieve(client, session_id, service_request):
    try:
        return client.v1.checkout.sessions.retrieve(session_id)
    except stripe.InvalidRequestError:
        return None
    except stripe.StripeError as exc:
        raise payments.provider_error(exc, service_request) from exc


def _expire(client, session_id, service_request) -> None:
    try:
        client.v1.checkout.sessions.expire(session_id)
    except stripe.InvalidRequestError as exc:
        # Stripe refuses to expire a session that is no longer open: paid meanwhile, or gone.
        session = _retrieve(client, session_id, service_request)
        if session is not None and session.status == "complete":
            raise Conflict(
                gettext("This request is already paid; the confirmation is on its way."), code="already_paid"
            ) from exc
    except stripe.StripeError as exc:
        raise payments.provider_error(exc, service_request) from exc


def _create_session(client, service_request, price, tip, currency, return_url):
    back = return_url or settings.SITE_URL.rstrip("/") + reverse(
        "requests_app:detail", args=[service_request.pk]
    )
    separator = "&" if "?" in back else "?"
    line_items = [
        {
            "price_data": {
                "currency": currency,
                "unit_amount": payments.to_minor_units(price, currency),
                "product_data": {"name": f"{service_request.service.name}, request #{service_request.pk}"},
            },
            "quantity": 1,
        }
    ]
    if tip:
        line_items.append(
            {
                "price_data": {
                    "currency": currency,
                    "unit_amount": payments.to_minor_units(tip, currency),
                    "product_data": {"name": "Tip for the professional"},
                },
                "quantity": 1,
            }
        )
    metadata = {"request_id": str(service_request.pk)}
    total = payments.to_minor_units(price + tip, currency)
    # The same attempt sends the same key: a retry after a lost answer gets the same session.
    # What it replaces is part of the key, so a new session after an expired one is new.
    idempotency_key = (
        f"householdsvc-checkout-{service_request.pk}-{total}{currency}-after-"
        f"{service_request.payment_reference or 'none'}"
    )
    expires_at = timezone.now() + timedelta(minutes=settings.STRIPE_CHECKOUT_EXPIRES_MINUTES)
    customer_id = card_on_file.stripe_customer_id(
        client, user=service_request.customer, service_request=service_request
    )
    try:
        return client.v1.checkout.sessions.create(
            params={
                "mode": "payment",
                "line_items": line_items,
                "success_url": f"{back}{separator}checkout=success",
                "cancel_url": f"{back}{separator}checkout=cancelled",
                "client_reference_id": str(service_request.pk),
                "customer": customer_id,
                "metadata": metadata,
                # Stripe saves the card for the customer: a later cancellation fee is charged
                # to it off-session (money.fee_charge).
                "payment_intent_data": {"metadata": metadata, "setup_future_usage": "off_session"},
                "expires_at": int(expires_at.timestamp()),
            },
            options={"idempotency_key": idempotency_key[:255]},
        )
    except stripe.StripeError as exc:
        raise payments.provider_error(exc, service_request) from exc


# --- Stripe's events about Checkout Sessions ----------------------------------------------


def _session_attempt(session: dict):
    """The request (locked first, as everywhere) and our attempt for this session."""
    session_id = session.get("id")
    attempt = PaymentAttempt.objects.filter(stripe_session_id=session_id).only("request_id").first()
    if not session_id or attempt is None:
        return None, None, "Ignored: no payment of ours matches this Checkout Session."
    service_request = (
        ServiceRequest.objects.select_for_update().select_related("service").get(pk=attempt.request_id)
    )
    attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)
    return service_request, attempt, ""


def _on_session_paid(session: dict):
    service_request, attempt, why = _session_attempt(session)
    if service_request is None:
        return None, False, why
    if session.get("payment_status") != "paid":
        # A delayed method (a bank debit): async_payment_succeeded follows when it clears.
        return service_request, False, "Waiting: the session is complete but not paid yet."
    if attempt.status == PaymentAttemptStatus.PAID or service_request.payment_status in (
        PaymentStatus.PAID,
        PaymentStatus.REFUNDED,
    ):
        return service_request, False, f"Ignored: the payment is already {service_request.payment_status}."
    currency = settings.CURRENCY.lower()
    expected = payments.to_minor_units(attempt.total, currency)
    received = session.get("amount_total")
    if (received, session.get("currency")) != (expected, currency):
        note = (
            f"Stripe reports {received} {str(session.get('currency')).upper()} (smallest unit) paid on "
            f"{session.get('id')}, but {expected} {currency.upper()} is due: left for review."
        )
        logger.error("Checkout amount mismatch on request %s: %s", service_request.pk, note)
        payments.payment_note(service_request, note)
        return service_request, False, "Not applied: amount or currency differs from the price."
    intent_id = session.get("payment_intent") or ""
    attempt.status = PaymentAttemptStatus.PAID
    attempt.paid_at = timezone.now()
    attempt.stripe_payment_intent = intent_id
    attempt.save(update_fields=["status", "paid_at", "stripe_payment_intent"])
    # The PaymentIntent becomes the reference: Stripe's refund events name it.
    payments.set_payment(service_request, PaymentStatus.PAID, intent_id or session.get("id"))
    tip_note = f" including a tip of {attempt.tip}" if attempt.tip else ""
    payments.payment_note(
        service_request,
        f"Payment received on Stripe Checkout: {attempt.total} {currency.upper()}{tip_note} "
        f"({session.get('id')}).",
    )
    paid.on_paid(service_request=service_request, attempt=attempt)
    return service_request, True, "Marked paid."


def _on_session_expired(session: dict):
    service_request, attempt, why = _session_attempt(session)
    if service_request is None:
        return None, False, why
    if attempt.status != PaymentAttemptStatus.OPEN:
        return service_request, False, f"Ignored: this payment is already {attempt.status}."
    attempt.status = PaymentAttemptStatus.EXPIRED
    attempt.save(update_fields=["status"])
    if service_request.payment_reference == attempt.stripe_session_id and (
        service_request.payment_status == PaymentStatus.PENDING
    ):
        payments.set_payment(service_request, PaymentStatus.UNPAID)
    payments.payment_note(
        service_request, f"Checkout expired unpaid ({attempt.stripe_session_id}); pay again any time."
    )
    return service_request, True, "Checkout expired."


def _on_session_async_failed(session: dict):
    service_request, attempt, why = _session_attempt(session)
    if service_request is None:
        return None, False, why
    if attempt.status != PaymentAttemptStatus.OPEN:
        return service_request, False, f"Ignored: this payment is already {attempt.status}."
    attempt.status = PaymentAttemptStatus.EXPIRED
    attempt.save(update_fields=["status"])
    payments.set_payment(service_request, PaymentStatus.FAILED)
    payments.payment_note(
        service_request, f"Payment failed on Stripe Checkout ({attempt.stripe_session_id})."
    )
    return service_request, True, "Marked failed."


EVENT_HANDLERS = {
    "checkout.session.completed": _on_session_paid,
    "checkout.session.async_payment_succeeded": _on_session_paid,
    "checkout.session.async_payment_failed": _on_session_async_failed,
    "checkout.session.expired": _on_session_expired,
}
