"""Cancellation fees: the hook the schedule's cancellation policy calls once it has decided a
fee, and what the customer then owes.

``cancellation_fee_charge`` is the one function to call (in or after the cancelling
transaction) with the amount the policy set. With a card on file (saved by an earlier Checkout
payment) the fee is charged off-session after the cancellation commits (``money.fee_charge``);
without one, or when that charge fails, it is due, an event in the trail, and the customer
pays it from the request page through the same Checkout flow as a job's price.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from householdsvc.core.errors import Conflict
from householdsvc.core.validation import invalid
from requests_app import payments
from requests_app.models import Status
from requests_app.money import fee_charge
from requests_app.money.models import CancellationFee, CancellationFeeStatus
from requests_app.money.pricing import money
from requests_app.services import service_request_lock


def cancellation_fee_charge(*, request_id, amount, actor=None, note=True) -> CancellationFee:
    """Charge the fee the cancellation policy set on a cancelled request: recorded as due
    (once; asking again returns the same fee). ``note=False`` when the cancellation's own
    event already tells it (``service_request_cancel``)."""
    try:
        value = money(Decimal(str(amount)))
    except (ArithmeticError, ValueError):
        invalid({"amount": ["Enter the fee as a number."]})
    if value <= 0:
        invalid({"amount": ["A fee is more than 0."]})
    with transaction.atomic():
        service_request = service_request_lock(request_id=request_id)
        if service_request.status != Status.CANCELLED:
            raise Conflict(gettext("Only a cancelled request has a cancellation fee."), code="not_cancelled")
        fee, created = CancellationFee.objects.get_or_create(
            request=service_request, defaults={"amount": value}
        )
        if created and not fee_charge.fee_charge_start(fee=fee, service_request=service_request) and note:
            payments.payment_note(
                service_request,
                f"Cancellation fee of {fee.amount} {settings.CURRENCY} due; the customer pays it on "
                "the request page.",
                actor=actor,
            )
    return fee


def fee_due(service_request) -> CancellationFee | None:
    if service_request.status != Status.CANCELLED:
        return None
    return CancellationFee.objects.filter(request=service_request, status=CancellationFeeStatus.DUE).first()


def amount_due(service_request) -> Decimal | None:
    """What paying this request means: a cancelled one's due fee, else its final price."""
    fee = fee_due(service_request)
    return fee.amount if fee is not None else service_request.final_price


def fee_paid(service_request) -> None:
    """Called when a payment of the request is confirmed: a due fee is then paid."""
    CancellationFee.objects.filter(
        request=service_request, status__in=(CancellationFeeStatus.DUE, CancellationFeeStatus.PENDING)
    ).update(status=CancellationFeeStatus.PAID, paid_at=timezone.now())


def fee_pending(service_request) -> bool:
    """The fee is being charged to the card on file: not to be paid on Checkout meanwhile."""
    return CancellationFee.objects.filter(
        request=service_request, status=CancellationFeeStatus.PENDING
    ).exists()
