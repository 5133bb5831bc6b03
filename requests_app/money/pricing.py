"""Prices: the estimate shown before booking, and the check on the final price.

``estimate_for`` is the one place an estimate is made: the booking page, the estimate API and
``service_request_create`` all call it, so a new part of the price (the per-km charge of a
dispatch job, issue 8) is added here once and shows everywhere, stored on the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext

from householdsvc.core.errors import Conflict
from householdsvc.core.validation import invalid
from requests_app import notifications, validation
from requests_app.models import Action, RequestEvent
from requests_app.money.models import PriceChange, PriceChangeStatus

CENT = Decimal("0.01")


def money(amount) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PricePart:
    label: str
    amount: Decimal


@dataclass(frozen=True)
class Estimate:
    parts: tuple[PricePart, ...]

    @property
    def total(self) -> Decimal:
        return money(sum((part.amount for part in self.parts), Decimal("0")))

    def as_json(self) -> list[dict]:
        """As stored on the request (``estimate_parts``)."""
        return [{"label": part.label, "amount": str(money(part.amount))} for part in self.parts]


def estimate_for(*, service, latitude=None, longitude=None, vehicle_type="") -> Estimate:
    """What booking ``service`` (to the position, for dispatch) is expected to cost.

    Today the service's base price. The position is taken so that dispatch's per-km part,
    from the nearest suitable professional, is added here without changing any caller.
    """
    # Dispatch's quote (requests_app.quotes) prices the distance from the nearest professional.
    from requests_app.quotes import quote_for

    quote = quote_for(service=service, latitude=latitude, longitude=longitude, vehicle_type=vehicle_type)
    parts = [PricePart("Base price", money(quote.base_price))]
    distance_part = money(quote.estimate - quote.base_price)
    if distance_part:
        km = f"{quote.distance_km} km" if quote.distance_km is not None else "distance"
        parts.append(PricePart(f"Distance ({km} at {quote.per_km_price}/km)", distance_part))
    return Estimate(parts=tuple(parts))


def parts_of(service_request) -> list[dict]:
    """The stored parts, or the base price alone for a request booked before parts were kept."""
    if service_request.estimate_parts:
        return service_request.estimate_parts
    if service_request.price_estimate is None:
        return []
    return [{"label": "Estimate", "amount": str(money(service_request.price_estimate))}]


def tolerance_limit(estimate: Decimal) -> Decimal:
    """The highest final price the customer accepted by booking: the estimate plus the
    tolerance. Anything above needs their approval."""
    return money(estimate * (1 + settings.PRICE_TOLERANCE_PERCENT / 100))


def needs_approval(estimate, final_price) -> bool:
    return estimate is not None and final_price > tolerance_limit(estimate)


def price_change_on_complete(*, service_request, professional, reason: str) -> PriceChange | None:
    """Called by ``service_request_complete`` in its transaction, after the final price is set.
    Above the tolerance the professional must say why, and a pending price change is opened
    (an event in the trail); nothing can be paid until it is decided."""
    final_price, estimate = service_request.final_price, service_request.price_estimate
    if not needs_approval(estimate, final_price):
        return None
    errors: dict[str, list[str]] = {}
    reason = validation.check_text(reason, "price_reason", errors, max_length=1000)
    if errors:
        invalid(errors)
    if not reason:
        invalid(
            {
                "price_reason": [
                    f"The final price is more than {settings.PRICE_TOLERANCE_PERCENT}% above the "
                    f"estimate of {estimate}: say why, and the customer will be asked to approve it."
                ]
            }
        )
    change = PriceChange.objects.create(
        request=service_request, estimate=estimate, proposed_price=final_price, reason=reason
    )
    price_event(
        service_request,
        professional,
        f"Price change proposed: {estimate} → {final_price} {settings.CURRENCY}. Reason: {reason}",
    )
    return change


def price_event(service_request, actor, note: str) -> None:
    """A step of a price change, in the trail; the other side (or both, after an admin) hears."""
    event = RequestEvent.objects.create(
        request=service_request,
        action=Action.PRICE,
        from_status=service_request.status,
        to_status=service_request.status,
        actor=actor,
        note=note[:1000],
    )
    notifications.price_notify(service_request=service_request, event=event)


def ensure_price_decided(service_request) -> None:
    """Nothing is paid while a price change waits for the customer or an admin (409)."""
    change = PriceChange.objects.filter(request_id=service_request.pk).only("status").first()
    if change is None or change.is_decided:
        return
    if change.status == PriceChangeStatus.PENDING:
        raise Conflict(
            gettext("The final price is above the estimate and waits for the customer's approval."),
            code="price_not_approved",
        )
    raise Conflict(
        gettext("The customer declined the final price; an admin will settle it."), code="price_disputed"
    )


def currency() -> str:
    return settings.CURRENCY
