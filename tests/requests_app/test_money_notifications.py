"""Price changes and payments notify the other side (issue 11), like every transition does."""

from decimal import Decimal

import pytest

from accounts.models import Notification
from requests_app import services
from requests_app.models import Status
from requests_app.money import cash, price_changes
from tests.requests_app.factories import request_in_state

pytestmark = pytest.mark.django_db


def titles(user, kind):
    return list(
        Notification.objects.filter(recipient=user, kind=kind)
        .order_by("created_at", "id")
        .values_list("title", "body")
    )


@pytest.fixture
def completed_above_the_estimate(settings, customer, professional, service):
    settings.PRICE_TOLERANCE_PERCENT = Decimal("10")
    job = request_in_state(Status.ON_SITE, customer=customer, service=service, professional=professional)
    services.service_request_complete(
        request_id=job.pk, professional=professional, final_price="65.00", price_reason="Cracked pipe."
    )
    return job


def test_a_proposed_price_tells_the_customer_and_the_answer_tells_the_professional(
    completed_above_the_estimate, customer, professional
):
    job = completed_above_the_estimate
    assert titles(customer, "price_change") == [
        (
            f"Price update on request #{job.pk}",
            "Price change proposed: 40.00 → 65.00 INR. Reason: Cracked pipe.",
        )
    ]
    assert titles(professional, "price_change") == []

    price_changes.price_change_approve(request_id=job.pk, customer=customer)

    assert titles(professional, "price_change") == [
        (f"Price update on request #{job.pk}", "Price change approved: 65.00 INR.")
    ]
    assert len(titles(customer, "price_change")) == 1  # not told of their own step


def test_a_payment_tells_the_professional_once(completed_above_the_estimate, customer, professional):
    job = completed_above_the_estimate
    price_changes.price_change_approve(request_id=job.pk, customer=customer)
    cash.cash_record(request_id=job.pk, professional=professional)
    cash.cash_confirm(request_id=job.pk, customer=customer)

    assert titles(customer, "payment") == []  # they paid, and have the receipt by e-mail
    assert titles(professional, "payment") == [
        (f"Request #{job.pk} is paid (65.00 INR)", "Paid 65.00 INR; your earnings are credited.")
    ]
