"""The professional's earnings ledger: append-only rows, a credit per paid job (its price less
PLATFORM_COMMISSION_PERCENT, plus the whole tip) and a reversal per refund, in proportion.
A payout would read the sum of a professional's rows."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from requests_app.money.models import EarningsEntry, EarningsKind
from requests_app.money.pricing import money


def earnings_credit(*, service_request, attempt) -> EarningsEntry | None:
    if service_request.professional_id is None:
        return None
    price = money(attempt.price)
    commission = money(price * settings.PLATFORM_COMMISSION_PERCENT / 100)
    tip = money(attempt.tip)
    return EarningsEntry.objects.create(
        professional_id=service_request.professional_id,
        request=service_request,
        kind=EarningsKind.CREDIT,
        price=price,
        commission=commission,
        tip=tip,
        amount=price - commission + tip,
        note=f"{attempt.get_method_display()} payment",
    )


def earnings_reverse(*, service_request, refunded: Decimal, paid_total: Decimal) -> EarningsEntry | None:
    """A refund of ``refunded`` out of ``paid_total`` (price plus tip) takes back the same share
    of what was credited, each part in proportion."""
    credit = (
        EarningsEntry.objects.filter(request=service_request, kind=EarningsKind.CREDIT).order_by("id").first()
    )
    if credit is None or paid_total <= 0:
        return None
    share = Decimal(refunded) / Decimal(paid_total)
    price, commission, tip = (money(-part * share) for part in (credit.price, credit.commission, credit.tip))
    return EarningsEntry.objects.create(
        professional_id=credit.professional_id,
        request=service_request,
        kind=EarningsKind.REVERSAL,
        price=price,
        commission=commission,
        tip=tip,
        amount=price - commission + tip,
        note=f"Refund of {money(refunded)}",
    )
