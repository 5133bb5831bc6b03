"""Comparing an export's CSV with the database."""

import datetime as dt
from decimal import Decimal

from requests_app.models import ServiceRequest


def _timestamp(text):
    return dt.datetime.fromisoformat(text) if text else None


def _decimal(text):
    return Decimal(text) if text else None


def assert_requests_csv_matches(rows: list[dict], queryset=None):
    """Each CSV row equals the request with that id, field by field, in id order."""
    queryset = queryset if queryset is not None else ServiceRequest.objects.all()
    expected = list(queryset.select_related("service", "customer", "professional").order_by("id"))
    assert [int(row["id"]) for row in rows] == [request.pk for request in expected]
    for row, request in zip(rows, expected, strict=True):
        assert row["status"] == request.status
        assert row["service"] == request.service.name
        assert row["customer_name"] == request.customer.full_name
        assert row["customer_email"] == request.customer.email
        assert row["professional_name"] == (request.professional.full_name if request.professional else "")
        assert row["pin_code"] == request.pin_code
        assert _decimal(row["price_estimate"]) == request.price_estimate
        assert _decimal(row["final_price"]) == request.final_price
        assert row["payment_status"] == request.payment_status
        assert _timestamp(row["created_at"]) == request.created_at
        assert _timestamp(row["assigned_at"]) == request.assigned_at
        assert _timestamp(row["completed_at"]) == request.completed_at
        assert _timestamp(row["closed_at"]) == request.closed_at
        assert _timestamp(row["cancelled_at"]) == request.cancelled_at
