"""The quote a customer sees before booking: the estimate (the service's base price, plus for
roadside help its per-km price times the distance from the nearest suitable professional) and
that professional's ETA at DISPATCH_ETA_SPEED_KMH. ``service_request_create`` sets the
request's estimate from the same function, so the quote is what the request then carries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from requests_app.matching import nearest_professionals
from requests_app.models import ServiceRequest

CENTS = Decimal("0.01")


@dataclass(frozen=True)
class Quote:
    estimate: Decimal
    base_price: Decimal
    per_km_price: Decimal
    distance_km: Decimal | None
    eta_minutes: int | None
    professional_available: bool


def quote_for(*, service, latitude=None, longitude=None, vehicle_type="") -> Quote:
    """The quote for booking ``service`` at the position (a household job: its base price)."""
    base, per_km = service.base_price, service.per_km_price
    if not service.is_dispatch:
        return Quote(base, base, per_km, None, None, True)
    probe = ServiceRequest(
        service=service, latitude=latitude, longitude=longitude, vehicle_type=vehicle_type or ""
    )
    nearest = (
        next(iter(nearest_professionals(service_request=probe, limit=1)), None)
        if latitude is not None
        else None
    )
    if nearest is None:
        return Quote(base, base, per_km, None, None, False)
    distance = Decimal(str(nearest.distance_km)).quantize(CENTS, rounding=ROUND_HALF_UP)
    estimate = (base + per_km * distance).quantize(CENTS, rounding=ROUND_HALF_UP)
    eta_minutes = max(1, math.ceil(float(distance) / settings.DISPATCH_ETA_SPEED_KMH * 60))
    return Quote(estimate, base, per_km, distance, eta_minutes, True)
