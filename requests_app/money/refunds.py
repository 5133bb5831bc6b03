"""Refunds from the admin (not built yet: see the branch report). ``refunded_amounts`` is what
the receipt reads."""

from __future__ import annotations

from decimal import Decimal


def refunded_amounts(service_request) -> list[Decimal]:
    return []
