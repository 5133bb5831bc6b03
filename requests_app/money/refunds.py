"""Refunds from the admin, full or partial, through Stripe; recorded by Stripe's signed events.

``refund_create`` asks Stripe for the refund inside the transaction that holds the request's
row lock, and records it only once Stripe has accepted it: Stripe down or refusing is an error
the admin sees and nothing is recorded. More than what is left of the payment (price plus tip,
less refunds asked before) is refused before Stripe is called. ``refund.created`` /
``refund.updated`` events then mark it succeeded (or failed); a succeeded refund reverses the
professional's earnings in proportion and shows on the receipt. Cash is refunded outside the
site; ``refund_record_cash`` is how an admin records it (no Stripe call, made at once).
"""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation

import stripe
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from accounts.validation import ensure_active
from householdsvc.core.errors import Conflict, NotAllowed
from householdsvc.core.validation import invalid
from requests_app import payments, validation
from requests_app.models import PaymentStatus, ServiceRequest
from requests_app.money import earnings
from requests_app.money.models import (
    PaymentAttempt,
    PaymentAttemptStatus,
    PaymentMethod,
    Refund,
    RefundStatus,
)
from requests_app.money.pricing import money
from requests_app.services import service_request_lock

logger = logging.getLogger(__name__)


def refunded_amounts(service_request) -> list[tuple[Decimal, str]]:
    """What the receipt lists: each refund made (Stripe confirmed it, or cash recorded), and how."""
    return list(
        Refund.objects.filter(request=service_request, status=RefundStatus.SUCCEEDED).values_list(
            "amount", "method"
        )
    )


def _paid_attempt(service_request) -> PaymentAttempt | None:
    return PaymentAttempt.objects.filter(request=service_request, status=PaymentAttemptStatus.PAID).first()


def refundable(service_request) -> Decimal:
    """What is left to refund: the payment less the refunds asked or made (failed ones aside)."""
    attempt = _paid_attempt(service_request)
    if attempt is None:
        return Decimal("0.00")
    asked = (
        Refund.objects.filter(request=service_request)
        .exclude(status=RefundStatus.FAILED)
        .aggregate(total=Sum("amount"))["total"]
    )
    return money(attempt.total - (asked or 0))


def refund_create(*, request_id, actor, amount=None, reason="") -> Refund:
    """An admin refunds ``amount`` (everything left when not given) of a card payment."""
    ensure_active(actor)
    if not actor.is_admin:
        raise NotAllowed(gettext("Only admins refund payments."))
    client = payments.stripe_client()
    errors: dict = {}
    reason = validation.check_text(reason, "reason", errors, max_length=255)
    if errors:
        invalid(errors)
    with transaction.atomic():
        # Two admins refunding at once: the second waits and sees the first's refund.
        service_request = service_request_lock(request_id=request_id)
        attempt = _paid_attempt(service_request)
        if attempt is None or service_request.payment_status not in (
            PaymentStatus.PAID,
            PaymentStatus.REFUNDED,
        ):
            raise Conflict(gettext("Only a paid request can be refunded."), code="not_paid")
        if attempt.method != PaymentMethod.CARD or not attempt.stripe_payment_intent:
            raise Conflict(
                gettext("A cash payment is refunded in cash, outside the site: record it as a cash refund."),
                code="not_card_payment",
            )
        left = refundable(service_request)
        value = _clean_amount(amount, left)
        currency = settings.CURRENCY.lower()
        number = Refund.objects.filter(request=service_request).count() + 1
        try:
            stripe_refund = client.v1.refunds.create(
                params={
                    "payment_intent": attempt.stripe_payment_intent,
                    "amount": payments.to_minor_units(value, currency),
                    "metadata": {"request_id": str(service_request.pk)},
                },
                # The n-th refund of this request, for this amount: a retry is the same refund.
                options={"idempotency_key": f"householdsvc-refund-{service_request.pk}-{number}-{value}"},
            )
        except stripe.StripeError as exc:
            logger.error("Stripe refused or failed a refund for request %s: %s", service_request.pk, exc)
            message = getattr(exc, "user_message", None) or "the payment provider could not be reached"
            raise payments.PaymentProviderError(
                gettext("The refund could not be made, and nothing was recorded: %(message)s")
                % {"message": message}
            ) from exc
        refund = Refund.objects.create(
            request=service_request,
            amount=value,
            reason=reason,
            stripe_refund_id=stripe_refund.id,
            requested_by=actor,
        )
        payments.payment_note(
            service_request,
            f"Refund of {value} {currency.upper()} asked of Stripe ({stripe_refund.id})"
            f"{': ' + reason if reason else ''}.",
            actor=actor,
        )
        # Even when Stripe answers "succeeded" at once, its signed refund.created event is
        # what records it: one path, whatever the order of the answer and the event.
    return refund


def refund_record_cash(*, request_id, actor, amount=None, reason="") -> Refund:
    """An admin records cash given back outside the site for a cash payment: no Stripe call,
    so it is made (succeeded) at once, with the receipt and the earnings' reversal."""
    ensure_active(actor)
    if not actor.is_admin:
        raise NotAllowed(gettext("Only admins record refunds."))
    errors: dict = {}
    reason = validation.check_text(reason, "reason", errors, max_length=255)
    if errors:
        invalid(errors)
    with transaction.atomic():
        service_request = service_request_lock(request_id=request_id)
        attempt = _paid_attempt(service_request)
        if attempt is None or service_request.payment_status not in (
            PaymentStatus.PAID,
            PaymentStatus.REFUNDED,
        ):
            raise Conflict(gettext("Only a paid request can be refunded."), code="not_paid")
        if attempt.method != PaymentMethod.CASH:
            raise Conflict(gettext("A card payment is refunded through Stripe."), code="not_cash_payment")
        value = _clean_amount(amount, refundable(service_request))
        number = Refund.objects.filter(request=service_request).count() + 1
        refund = Refund.objects.create(
            request=service_request,
            amount=value,
            method=PaymentMethod.CASH,
            reason=reason,
            stripe_refund_id=f"cash-{service_request.pk}-{number}",
            requested_by=actor,
        )
        payments.payment_note(
            service_request,
            f"Cash refund of {value} {settings.CURRENCY} made outside the site, recorded by an admin"
            f"{': ' + reason if reason else ''}.",
            actor=actor,
        )
        _apply_succeeded(service_request, refund, noted=True)
    return refund


def _clean_amount(amount, left: Decimal) -> Decimal:
    if left <= 0:
        raise Conflict(gettext("Everything paid has already been refunded."), code="nothing_to_refund")
    if amount in (None, ""):
        return left
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite() or value <= 0:
        invalid({"amount": ["Enter an amount above 0."]})
    if value != value.quantize(Decimal("0.01")):
        invalid({"amount": ["At most two decimal places."]})
    if value > left:
        invalid({"amount": [f"More than was paid: at most {left} is left to refund."]})
    return money(value)


def _apply_succeeded(service_request, refund: Refund, *, noted=False) -> None:
    refund.status = RefundStatus.SUCCEEDED
    refund.succeeded_at = timezone.now()
    refund.save(update_fields=["status", "succeeded_at"])
    attempt = _paid_attempt(service_request)
    earnings.earnings_reverse(
        service_request=service_request, refunded=refund.amount, paid_total=attempt.total
    )
    if refundable(service_request) <= 0 and service_request.payment_status != PaymentStatus.REFUNDED:
        payments.set_payment(service_request, PaymentStatus.REFUNDED)
    if not noted:
        payments.payment_note(
            service_request,
            f"Refund of {refund.amount} {settings.CURRENCY} made ({refund.stripe_refund_id}).",
        )


# --- Stripe's events about refunds -----------------------------------------------------------


def _on_refund_event(stripe_refund: dict):
    refund_id, intent_id = stripe_refund.get("id"), stripe_refund.get("payment_intent")
    known = Refund.objects.filter(stripe_refund_id=refund_id).only("request_id").first()
    if known is not None:
        request_id = known.request_id
    else:
        attempt = PaymentAttempt.objects.filter(
            stripe_payment_intent=intent_id or "-", status=PaymentAttemptStatus.PAID
        ).first()
        if not refund_id or attempt is None:
            return None, False, "Ignored: no payment of ours matches this refund."
        request_id = attempt.request_id
    service_request = ServiceRequest.objects.select_for_update().get(pk=request_id)
    refund = Refund.objects.select_for_update().filter(stripe_refund_id=refund_id).first()
    status = stripe_refund.get("status")
    if refund is None:
        # Made in Stripe's dashboard: recorded now, within what is left to refund.
        amount = Decimal(int(stripe_refund.get("amount") or 0)) / 100
        if amount <= 0 or amount > refundable(service_request):
            return service_request, False, "Not applied: the refund is more than what is left of the payment."
        refund = Refund.objects.create(
            request=service_request,
            amount=money(amount),
            stripe_refund_id=refund_id,
            reason="Made at Stripe.",
        )
    if refund.status != RefundStatus.PENDING:
        return service_request, False, f"Ignored: the refund is already {refund.status}."
    if status == "succeeded":
        _apply_succeeded(service_request, refund)
        return service_request, True, "Refund recorded."
    if status in ("failed", "canceled"):
        refund.status = RefundStatus.FAILED
        refund.save(update_fields=["status"])
        payments.payment_note(service_request, f"Refund of {refund.amount} failed at Stripe ({refund_id}).")
        return service_request, True, "Refund failed."
    return service_request, False, f"Waiting: the refund is {status}."


EVENT_HANDLERS = {
    "refund.created": _on_refund_event,
    "refund.updated": _on_refund_event,
}
