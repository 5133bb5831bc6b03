"""A preferred time is refused past the booking horizon (BOOKING_HORIZON_DAYS, the schedule's
setting: 14 days by default)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from requests_app.models import ServiceRequest

pytestmark = pytest.mark.django_db


def create(client, service, scheduled_for):
    body = {"service": service.pk, "description": "Clean the flat.", "scheduled_for": scheduled_for}
    return client.post("/api/v1/requests/", body, format="json")


def test_a_time_in_the_year_9999_is_a_400(client_for, customer, service):
    response = create(client_for(customer), service, "9999-12-31T10:00:00Z")

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"]["scheduled_for"] == ["Bookings open at most 14 days ahead."]
    assert ServiceRequest.objects.count() == 0


def test_a_time_just_past_the_horizon_is_a_400(client_for, customer, service, settings):
    settings.BOOKING_HORIZON_DAYS = 10

    too_far = create(
        client_for(customer), service, (timezone.now() + timedelta(days=10, hours=1)).isoformat()
    )

    assert too_far.status_code == 400, too_far.content
    assert too_far.json()["errors"]["scheduled_for"] == ["Bookings open at most 10 days ahead."]
    assert ServiceRequest.objects.count() == 0
