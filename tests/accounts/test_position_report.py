"""An available professional reports their position (no job needed) so dispatch can find them;
an unavailable one, or anyone else, may not."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import ProfessionalProfile

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/position/"


def test_an_available_professional_moves_their_position_and_it_is_fresh(client_for, professional):
    ProfessionalProfile.objects.filter(user=professional).update(
        position_updated_at=timezone.now() - timedelta(hours=1)
    )

    response = client_for(professional).post(URL, {"latitude": "12.990000", "longitude": "77.600000"})

    assert response.status_code == 200
    assert (response.json()["latitude"], response.json()["longitude"]) == ("12.990000", "77.600000")
    profile = ProfessionalProfile.objects.get(user=professional)
    assert (profile.current_latitude, profile.current_longitude) == (
        Decimal("12.990000"),
        Decimal("77.600000"),
    )
    assert timezone.now() - profile.position_updated_at < timedelta(seconds=5)


def test_an_unavailable_professional_is_refused_and_not_tracked(client_for, professional):
    ProfessionalProfile.objects.filter(user=professional).update(is_available=False)

    response = client_for(professional).post(URL, {"latitude": "12.990000", "longitude": "77.600000"})

    assert (response.status_code, response.json()["code"]) == (409, "not_available")
    assert ProfessionalProfile.objects.get(user=professional).current_latitude == Decimal("12.971600")


def test_a_customer_may_not_report_a_position(client_for, customer):
    response = client_for(customer).post(URL, {"latitude": "12.990000", "longitude": "77.600000"})

    assert response.status_code == 403


def test_a_position_out_of_range_is_a_400(client_for, professional):
    response = client_for(professional).post(URL, {"latitude": "91", "longitude": "77.6"})

    assert response.status_code == 400
