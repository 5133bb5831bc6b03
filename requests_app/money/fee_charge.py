"""Charging a cancellation fee to the card on file, off-session.

``fee_charge_start`` runs in the cancelling transaction: with a card on file the fee becomes
``pending`` and, once the cancellation has committed, a task asks Stripe for a PaymentIntent
(``confirm``, ``off_session``, an idempotency key of the fee). The cancellation never waits
for Stripe. Only the signed ``payment_intent.succeeded`` marks the fee paid (with a receipt and
the professional's credit, as any payment); a card error (402 ``authentication_required``,
``card_declined``), Stripe down or ``payment_intent.payment_failed`` makes it due again and
tells the customer, who then pays it on Stripe Checkout from the request page.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import stripe
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import NotificationKind
from accounts.notifications import notify
from householdsvc.core.transactions import on_commit_robust
from requests_app import payments
from requests_app.models import PaymentStatus, ServiceRequest
from requests_app.money import card_on_file, paid
from requests_app.money.models import (
    CancellationFee,
    CancellationFeeStatus,
    PaymentAttempt,
    PaymentAttemptStatus,
    PaymentMethod,
)

logger = logging.getLogger(__name__)
FEE_METADATA_KEY = "cancellation_fee"


def fee_charge_start(*, fee: CancellationFee, service_request) -> bool:
    """In the cancelling transaction: True when the fee will be charged to the card on file."""
    if not settings.STRIPE_SECRET_KEY or card_on_file.card_on_file(service_request.customer_id) is None:
        return False
    fee.status = CancellationFeeStatus.PENDING
    fee.save(update_fields=["status"])
    payments.payment_note(
        service_request,
        f"Cancellation fee of {fee.amount} {settings.CURRENCY}: charging the card on file.",
    )
    on_commit_robust(_enqueue, fee.pk)
    return True


def _enqueue(fee_id: int) -> None:
    from requests_app import tasks  # the tasks module imports this one

    try:
        tasks.fee_charge_off_session.delay(fee_id)
    except Exception:  # the broker is down: charge now rather than leave the fee pending
        logger.exception("Could not queue the off-session charge of fee %s; charging inline.", fee_id)
        fee_charge_off_session(fee_id=fee_id)


def fee_charges_sweep(*, older_than_minutes: int = 5) -> int:
    """Charges pending fees whose task was lost (a crash between the cancellation's commit and
    the queue, a broker that dropped it): each is idempotent, so a late original is harmless."""
    since = timezone.now() - timedelta(minutes=older_than_minutes)
    stuck = CancellationFee.objects.filter(
        status=CancellationFeeStatus.PENDING, stripe_payment_intent="", created_at__lt=since
    ).values_list("pk", flat=True)
    return sum(fee_charge_off_session(fee_id=fee_id) == "charged" for fee_id in list(stuck[:100]))


def fee_charge_off_session(*, fee_id: int) -> str:
    """Ask Stripe to charge the pending fee to the card on file. Safe to run twice: the fee's
    idempotency key gets the first PaymentIntent back, and a fee no longer pending is left."""
    with transaction.atomic():
        request_id = CancellationFee.objects.filter(pk=fee_id).values_list("request_id", flat=True).first()
        if request_id is None:
            return "no such fee"
        service_request = (
            ServiceRequest.objects.select_for_update()
            .select_related("service", "customer")
            .get(pk=request_id)
        )
        fee = CancellationFee.objects.select_for_update().get(pk=fee_id)
        if fee.status != CancellationFeeStatus.PENDING or fee.stripe_payment_intent:
            return f"fee is {fee.status}"
        card = card_on_file.card_on_file(service_request.customer_id)
        if card is None:
            _fall_back(fee, service_request, _("no card is on file"))
            return "no card"
        currency = settings.CURRENCY.lower()
        try:
            client = payments.stripe_client()
            intent = client.v1.payment_intents.create(
                params={
                    "amount": payments.to_minor_units(fee.amount, currency),
                    "currency": currency,
                    "customer": card.customer_id,
                    "payment_method": card.payment_method_id,
                    "confirm": True,
                    "off_session": True,
                    "description": f"Cancellation fee, request #{service_request.pk}",
                    "metadata": {"request_id": str(service_request.pk), FEE_METADATA_KEY: str(fee.pk)},
                },
                options={"idempotency_key": f"householdsvc-cancellation-fee-{fee.pk}"},
            )
        except stripe.CardError as exc:
            failed = getattr(exc, "error", None)
            intent_id = getattr(getattr(failed, "payment_intent", None), "id", "") or ""
            _fall_back(
                fee, service_request, exc.user_message or exc.code or _("the card was declined"), intent_id
            )
            return f"card error: {exc.code}"
        except (stripe.StripeError, payments.PaymentsUnavailable) as exc:
            logger.error("Off-session charge of fee %s failed: %s", fee.pk, exc)
            _fall_back(fee, service_request, _("the payment provider could not be reached"))
            return "stripe unavailable"
        fee.stripe_payment_intent = intent.id
        fee.save(update_fields=["stripe_payment_intent"])
        if intent.status not in ("succeeded", "processing"):
            _fall_back(
                fee,
                service_request,
                format_lazy(_("Stripe left the charge {status}"), status=intent.status),
                intent.id,
            )
            return f"intent {intent.status}"
        payments.set_payment(service_request, PaymentStatus.PENDING, intent.id)
        payments.payment_note(
            service_request,
            f"Cancellation fee of {fee.amount} {settings.CURRENCY} charged to the card on file "
            f"({intent.id}); waiting for Stripe's confirmation.",
        )
    return "charged"


def _fall_back(fee, service_request, reason: str, intent_id: str = "") -> None:
    """The card could not be charged: the fee is due, the customer told to pay it on the web."""
    fee.status = CancellationFeeStatus.DUE
    fields = ["status"]
    if intent_id:
        fee.stripe_payment_intent = intent_id
        fields.append("stripe_payment_intent")
    fee.save(update_fields=fields)
    if service_request.payment_status == PaymentStatus.PENDING:
        payments.set_payment(service_request, PaymentStatus.FAILED)
    amount = f"{fee.amount} {settings.CURRENCY}"
    payments.payment_note(
        service_request,
        f"Cancellation fee of {amount} could not be charged to the card on file ({reason}); "
        "the customer pays it on the request page.",
    )
    notify(
        recipient=service_request.customer,
        kind=NotificationKind.PAYMENT,
        key=f"request:{service_request.pk}:fee:{fee.pk}:due:{intent_id or 'none'}",
        title=format_lazy(_("Your cancellation fee for request #{number} is due"), number=service_request.pk),
        body=format_lazy(
            _("We could not charge {amount} to your card on file ({reason}). Pay it on the request page."),
            amount=amount,
            reason=reason,
        ),
        request_id=service_request.pk,
        url=reverse("requests_app:detail", args=[service_request.pk]),
    )


# --- Stripe's events about a fee's PaymentIntent -----------------------------------------------


def is_fee_intent(intent: dict) -> bool:
    return FEE_METADATA_KEY in (intent.get("metadata") or {})


def _locked_fee(intent: dict):
    """The request and the fee a fee's PaymentIntent event is about, both locked (in that order,
    as everywhere), or ``(None, None)``."""
    fee_id = str((intent.get("metadata") or {}).get(FEE_METADATA_KEY) or "")
    if not fee_id.isdigit():
        return None, None
    request_id = CancellationFee.objects.filter(pk=int(fee_id)).values_list("request_id", flat=True).first()
    if request_id is None:
        return None, None
    service_request = ServiceRequest.objects.select_for_update().select_related("service").get(pk=request_id)
    return service_request, CancellationFee.objects.select_for_update().get(pk=int(fee_id))


def on_fee_intent_succeeded(intent: dict):
    service_request, fee = _locked_fee(intent)
    if fee is None:
        return None, False, "Ignored: no cancellation fee of ours matches this payment."
    if fee.status == CancellationFeeStatus.PAID:
        if PaymentAttempt.objects.filter(
            request=service_request, status=PaymentAttemptStatus.PAID, stripe_payment_intent=intent["id"]
        ).exists():
            return service_request, False, "Ignored: the fee is already paid."
        # Paid on Checkout meanwhile, and the card on file charged as well: a person refunds one.
        note = f"The card on file was charged for the fee ({intent['id']}) after it was paid: refund it."
        logger.error("Cancellation fee charged twice on request %s: %s", service_request.pk, note)
        payments.payment_note(service_request, note)
        return service_request, False, "Not applied: the fee was already paid another way."
    currency = settings.CURRENCY.lower()
    expected = payments.to_minor_units(fee.amount, currency)
    received = intent.get("amount_received", intent.get("amount"))
    if (received, intent.get("currency")) != (expected, currency):
        note = (
            f"Stripe reports {received} {str(intent.get('currency')).upper()} (smallest unit) received for "
            f"the fee ({intent['id']}), but {expected} {currency.upper()} is due: left for review."
        )
        logger.error("Fee amount mismatch on request %s: %s", service_request.pk, note)
        payments.payment_note(service_request, note)
        return service_request, False, "Not applied: amount or currency differs from the fee."
    fee.stripe_payment_intent = intent["id"]
    fee.save(update_fields=["stripe_payment_intent"])
    attempt = PaymentAttempt.objects.create(
        request=service_request,
        method=PaymentMethod.CARD,
        status=PaymentAttemptStatus.PAID,
        price=fee.amount,
        stripe_payment_intent=intent["id"],
        paid_at=timezone.now(),
    )
    payments.set_payment(service_request, PaymentStatus.PAID, intent["id"])
    payments.payment_note(
        service_request,
        f"Cancellation fee of {fee.amount} {settings.CURRENCY} paid with the card on file ({intent['id']}).",
    )
    paid.on_paid(service_request=service_request, attempt=attempt)
    return service_request, True, "Fee paid with the card on file."


def on_fee_intent_failed(intent: dict):
    service_request, fee = _locked_fee(intent)
    if fee is None:
        return None, False, "Ignored: no cancellation fee of ours matches this payment."
    if fee.status != CancellationFeeStatus.PENDING:
        return service_request, False, f"Ignored: the fee is already {fee.status}."
    reason = (intent.get("last_payment_error") or {}).get("message") or _("the card was declined")
    _fall_back(fee, service_request, reason, intent["id"])
    return service_request, True, "Fee due: the card on file was declined."
