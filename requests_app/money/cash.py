"""Cash on site: the professional records what they were paid (price plus any tip), and the
customer confirms it; only then is the request paid, with its receipt and earnings."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.validation import ensure_active
from householdsvc.core.errors import Conflict, NotAllowed
from requests_app import payments
from requests_app.models import PaymentStatus
from requests_app.money import paid
from requests_app.money.checkout import clean_tip, ensure_payable
from requests_app.money.models import PaymentAttempt, PaymentAttemptStatus, PaymentMethod
from requests_app.services import service_request_lock


def cash_record(*, request_id, professional, tip=None) -> PaymentAttempt:
    ensure_active(professional)
    tip = clean_tip(tip)
    with transaction.atomic():
        service_request = service_request_lock(request_id=request_id, visible_to=professional)
        if service_request.professional_id != professional.pk:
            raise NotAllowed(gettext("Only the professional who did the job records a cash payment."))
        # The customer's rules, checked as the customer: paid, unapproved, already recorded.
        ensure_payable(service_request, service_request.customer)
        if PaymentAttempt.objects.filter(
            request=service_request, method=PaymentMethod.CARD, status=PaymentAttemptStatus.OPEN
        ).exists():
            raise Conflict(
                gettext("The customer has a card payment open on Stripe; wait for it to finish or expire."),
                code="card_payment_open",
            )
        attempt = PaymentAttempt.objects.create(
            request=service_request,
            method=PaymentMethod.CASH,
            status=PaymentAttemptStatus.AWAITING_CONFIRMATION,
            price=service_request.final_price,
            tip=tip,
            recorded_by=professional,
        )
        payments.set_payment(service_request, PaymentStatus.PENDING, f"cash-{attempt.pk}")
        payments.payment_note(
            service_request,
            f"Cash payment of {attempt.total} {settings.CURRENCY} recorded by the professional; "
            "waiting for the customer to confirm.",
            actor=professional,
        )
    return attempt


def cash_confirm(*, request_id, customer) -> PaymentAttempt:
    ensure_active(customer)
    with transaction.atomic():
        service_request = service_request_lock(request_id=request_id, visible_to=customer)
        if service_request.customer_id != customer.pk:
            raise NotAllowed(gettext("Only the customer confirms a cash payment."))
        attempt = (
            PaymentAttempt.objects.select_for_update()
            .filter(request=service_request, status=PaymentAttemptStatus.AWAITING_CONFIRMATION)
            .first()
        )
        if attempt is None:
            raise Conflict(gettext("No cash payment waits for your confirmation."), code="no_cash_pending")
        attempt.status = PaymentAttemptStatus.PAID
        attempt.paid_at = timezone.now()
        attempt.save(update_fields=["status", "paid_at"])
        payments.set_payment(service_request, PaymentStatus.PAID)
        payments.payment_note(
            service_request,
            f"Cash payment of {attempt.total} {settings.CURRENCY} confirmed by the customer.",
            actor=customer,
        )
        paid.on_paid(service_request=service_request, attempt=attempt)
    return attempt
