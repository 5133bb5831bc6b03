"""Reads about a request's money, scoped by the acting user through the request's selector."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from requests_app import selectors
from requests_app.models import PAYABLE_STATUSES, PaymentStatus
from requests_app.money import fees
from requests_app.money.models import (
    EarningsEntry,
    PaymentAttempt,
    PaymentAttemptStatus,
    PriceChange,
    PriceChangeStatus,
    Receipt,
)
from requests_app.money.pricing import parts_of


@dataclass
class PriceSummary:
    """What a request costs and where its payment stands, as its page and the API show it."""

    service_request: object
    currency: str
    estimate: Decimal | None
    estimate_parts: list
    tolerance_percent: Decimal
    final_price: Decimal | None
    price_change: PriceChange | None
    payable: bool
    why_not_payable: str
    paid: PaymentAttempt | None
    awaiting_cash: PaymentAttempt | None
    receipt: Receipt | None
    amount_due: Decimal | None = None
    refunded: Decimal = field(default=Decimal("0"))
    fee_pending: bool = False  # a cancellation fee being charged to the card on file


def price_summary(*, user, request_id) -> PriceSummary:
    service_request = selectors.service_request_get(user=user, request_id=request_id)
    return summary_of(service_request)


def summary_of(service_request) -> PriceSummary:
    change = PriceChange.objects.filter(request_id=service_request.pk).first()
    attempts = list(
        PaymentAttempt.objects.filter(
            request_id=service_request.pk,
            status__in=(PaymentAttemptStatus.PAID, PaymentAttemptStatus.AWAITING_CONFIRMATION),
        )
    )
    paid = next((a for a in attempts if a.status == PaymentAttemptStatus.PAID), None)
    awaiting_cash = next(
        (a for a in attempts if a.status == PaymentAttemptStatus.AWAITING_CONFIRMATION), None
    )
    receipt = Receipt.objects.filter(request_id=service_request.pk).first()
    why = ""
    due = fees.amount_due(service_request)
    fee_pending = service_request.status not in PAYABLE_STATUSES and fees.fee_pending(service_request)
    if fee_pending:
        why = "The cancellation fee is being charged to your card on file."
    elif service_request.status not in PAYABLE_STATUSES and fees.fee_due(service_request) is None:
        why = "Paid once the job is completed."
    elif service_request.payment_status in (PaymentStatus.PAID, PaymentStatus.REFUNDED):
        why = f"Already {service_request.payment_status}."
    elif change is not None and change.status == PriceChangeStatus.PENDING:
        why = "The final price waits for the customer's approval."
    elif change is not None and change.status == PriceChangeStatus.DECLINED:
        why = "The customer declined the final price; an admin will settle it."
    elif awaiting_cash is not None:
        why = "Cash recorded by the professional; waiting for the customer to confirm."
    elif not due:
        why = "There is nothing to pay."
    return PriceSummary(
        service_request=service_request,
        currency=settings.CURRENCY,
        estimate=service_request.price_estimate,
        estimate_parts=parts_of(service_request),
        tolerance_percent=settings.PRICE_TOLERANCE_PERCENT,
        final_price=service_request.final_price,
        price_change=change,
        payable=not why,
        amount_due=due,
        why_not_payable=why,
        paid=paid,
        awaiting_cash=awaiting_cash,
        receipt=receipt,
        fee_pending=fee_pending,
    )


# --- The professional's earnings -------------------------------------------------------------

EARNINGS_MONTHS = 12
EARNINGS_WEEKS = 12
EARNINGS_ENTRIES = 200


@dataclass
class Earnings:
    total: Decimal
    months: list  # [{"period": date, "amount": Decimal, "jobs": int}], newest first
    weeks: list
    entries: list  # the ledger rows behind them, newest first


def earnings_for(*, user) -> Earnings:
    """A professional's ledger: all-time total, totals of the last months and weeks (with how
    many jobs), and the latest rows with their requests. Four queries, whatever the history."""
    rows = EarningsEntry.objects.filter(professional=user)
    total = rows.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    now = timezone.now()

    def by(trunc, since):
        return list(
            rows.filter(created_at__gte=since)
            .annotate(period=trunc("created_at"))
            .values("period")
            .annotate(amount=Sum("amount"), jobs=Count("request", distinct=True))
            .order_by("-period")
        )

    months = by(TruncMonth, now - timedelta(days=31 * EARNINGS_MONTHS))
    weeks = by(TruncWeek, now - timedelta(weeks=EARNINGS_WEEKS))
    entries = list(rows.select_related("request__service").order_by("-created_at", "-id")[:EARNINGS_ENTRIES])
    return Earnings(total=total, months=months, weeks=weeks, entries=entries)
