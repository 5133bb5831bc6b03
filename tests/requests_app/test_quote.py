"""The quote before booking: base price plus per-km price times the distance from the nearest
suitable professional, that professional's ETA, and the same estimate on the request made."""

from decimal import Decimal

import pytest
from django.utils import timezone

from requests_app import services
from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import DispatchServiceFactory

pytestmark = pytest.mark.django_db

BREAKDOWN = {"latitude": "12.971600", "longitude": "77.594600"}


@pytest.fixture
def towing(settings):
    settings.DISPATCH_ETA_SPEED_KMH = 30.0
    return DispatchServiceFactory(name="Towing", base_price=Decimal("500.00"), per_km_price=Decimal("20.00"))


def operator_north(service, hundredths, **profile):
    return ProfessionalFactory(
        professional_profile__service=service,
        professional_profile__current_latitude=Decimal(BREAKDOWN["latitude"]) + Decimal(hundredths) / 100,
        professional_profile__current_longitude=Decimal(BREAKDOWN["longitude"]),
        professional_profile__position_updated_at=timezone.now(),
        **{f"professional_profile__{key}": value for key, value in profile.items()},
    )


def test_the_quote_prices_the_distance_from_the_nearest_and_gives_their_eta(client_for, customer, towing):
    operator_north(towing, 5)  # 5.56 km
    operator_north(towing, 10)
    operator_north(towing, 1, is_available=False)

    response = client_for(customer).post("/api/v1/requests/quote/", {"service": towing.pk, **BREAKDOWN})

    assert response.status_code == 200
    assert response.json() == {
        "estimate": "611.20",
        "base_price": "500.00",
        "per_km_price": "20.00",
        "distance_km": "5.56",
        "eta_minutes": 12,
        "professional_available": True,
        "currency": "INR",
    }


def test_the_request_then_carries_the_quoted_estimate(customer, towing):
    operator_north(towing, 5)

    service_request = services.service_request_create(
        customer=customer, service=towing, description="Engine dead.", **BREAKDOWN
    )

    assert service_request.price_estimate == Decimal("611.20")


def test_with_nobody_in_range_the_quote_is_the_base_price_and_says_so(client_for, customer, towing):
    body = client_for(customer).post("/api/v1/requests/quote/", {"service": towing.pk, **BREAKDOWN}).json()

    assert (body["estimate"], body["distance_km"], body["eta_minutes"], body["professional_available"]) == (
        "500.00",
        None,
        None,
        False,
    )


def test_roadside_help_needs_the_position(client_for, customer, towing):
    response = client_for(customer).post("/api/v1/requests/quote/", {"service": towing.pk})

    assert (response.status_code, list(response.json()["errors"])) == (400, ["latitude"])


def test_a_household_job_is_quoted_its_base_price(client_for, customer, service):
    body = client_for(customer).post("/api/v1/requests/quote/", {"service": service.pk}).json()

    assert (body["estimate"], body["distance_km"]) == ("40.00", None)
