"""Dispatch rounds through a real Celery worker on Redis and PostgreSQL: the round's countdown
task is sent to the broker when the request is made, the worker runs it once the offers have
expired, and the next round goes out — to nobody offered before. Rows are committed
(``transaction=True``) so the worker's connection sees them."""

import time
from decimal import Decimal

import pytest
from django.utils import timezone

from requests_app.models import Offer, ServiceRequest
from requests_app.tasks import dispatch_round_due
from tests.accounts.factories import ProfessionalFactory
from tests.exports.conftest import celery_worker  # noqa: F401  (the real worker fixture)

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

BREAKDOWN = (Decimal("12.971600"), Decimal("77.594600"))


def wait_for(predicate, *, timeout=20.0, what="the condition"):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"Gave up waiting for {what} after {timeout}s")
        time.sleep(0.1)


def test_a_round_times_out_and_the_next_goes_out_without_repeating_anyone(
    celery_worker,  # noqa: F811
    settings,
    client_for,
    customer,
    dispatch_service,
):
    settings.DISPATCH_BATCH = 1
    settings.DISPATCH_OFFER_SECONDS = 1
    settings.DISPATCH_MAX_ROUNDS = 3
    first, second = (
        ProfessionalFactory(
            full_name=name,
            professional_profile__service=dispatch_service,
            professional_profile__position_updated_at=timezone.now(),
            professional_profile__current_latitude=BREAKDOWN[0] + Decimal(hundredths) / 100,
            professional_profile__current_longitude=BREAKDOWN[1],
        )
        for name, hundredths in [("Near", 1), ("Next", 2)]
    )

    response = client_for(customer).post(
        "/api/v1/requests/",
        {
            "service": dispatch_service.pk,
            "description": "Battery flat.",
            "latitude": "12.971600",
            "longitude": "77.594600",
        },
    )
    assert response.status_code == 201
    request_id = response.json()["id"]
    assert list(Offer.objects.filter(request_id=request_id).values_list("professional_id", "round")) == [
        (first.pk, 1)
    ]

    # The worker runs round 1's countdown (1 s + the margin): Near's offer expires, Next gets round 2.
    wait_for(lambda: ServiceRequest.objects.get(pk=request_id).dispatch_round == 2, what="round 2")
    assert sorted(
        Offer.objects.filter(request_id=request_id).values_list("professional_id", "round", "state")
    ) == [
        (first.pk, 1, "expired"),
        (second.pk, 2, "open"),
    ]

    late = client_for(first).post(f"/api/v1/requests/{request_id}/accept/")
    assert (late.status_code, late.json()["code"]) == (409, "offer_expired")

    # Round 2 times out with nobody left in range: round 3 finds no one, the request is unmatched.
    wait_for(
        lambda: ServiceRequest.objects.get(pk=request_id).unmatched_at is not None, what="the unmatched flag"
    )
    # A copy of round 1's timer delivered again changes nothing.
    dispatch_round_due.delay(request_id, 1).get(timeout=10)

    assert sorted(
        Offer.objects.filter(request_id=request_id).values_list("professional_id", "round", "state")
    ) == [
        (first.pk, 1, "expired"),
        (second.pk, 2, "expired"),
    ]
    assert list(
        ServiceRequest.objects.get(pk=request_id).events.values_list("action", "note").order_by("id")
    ) == [
        ("create", ""),
        ("offer", "Round 1: offered to 1 professional(s)."),
        ("offer", "Round 2: offered to 1 professional(s)."),
        ("unmatched", "Nobody else is in range."),
    ]
