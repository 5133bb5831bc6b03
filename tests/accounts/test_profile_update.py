"""profile_update: a user edits their own name, phone and profile, never their role or status."""

from decimal import Decimal

import pytest

from accounts import services
from accounts.models import VerificationStatus
from householdsvc.core import errors

pytestmark = pytest.mark.django_db


def test_customer_changes_name_and_address(customer):
    services.profile_update(
        user=customer, full_name="Alice B. Customer", address="1 Park St", pin_code="560002"
    )

    customer.refresh_from_db()
    assert customer.full_name == "Alice B. Customer"
    assert customer.customer_profile.address == "1 Park St"
    assert customer.customer_profile.pin_code == "560002"


def test_customer_sets_a_position(customer):
    services.profile_update(user=customer, latitude="12.95", longitude="77.6")

    customer.customer_profile.refresh_from_db()
    assert customer.customer_profile.latitude == Decimal("12.950000")


@pytest.mark.parametrize("field", ["role", "email", "is_staff", "verification_status", "is_active"])
def test_role_email_and_status_cannot_be_changed(pending_professional, field):
    with pytest.raises(errors.ValidationFailed) as caught:
        services.profile_update(user=pending_professional, **{field: "approved"})

    assert field in caught.value.errors
    pending_professional.professional_profile.refresh_from_db()
    assert pending_professional.professional_profile.verification_status == VerificationStatus.PENDING


def test_professional_changes_availability_and_radius(professional):
    services.profile_update(
        user=professional, is_available=False, service_radius_km=15, company_name="Carol & Co"
    )

    profile = professional.professional_profile
    profile.refresh_from_db()
    assert not profile.is_available
    assert profile.service_radius_km == 15
    assert profile.company_name == "Carol & Co"


def test_zero_radius_and_empty_name_are_field_errors(professional):
    with pytest.raises(errors.ValidationFailed) as caught:
        services.profile_update(user=professional, service_radius_km=0, full_name="")

    assert set(caught.value.errors) == {"service_radius_km", "full_name"}


@pytest.mark.parametrize("radius", [501, 2**31, 10**20])
def test_a_radius_beyond_what_any_search_reaches_is_a_field_error(professional, radius):
    # Past the integer column this was a 500 from the database.
    with pytest.raises(errors.ValidationFailed) as caught:
        services.profile_update(user=professional, service_radius_km=radius)

    assert set(caught.value.errors) == {"service_radius_km"}
    professional.professional_profile.refresh_from_db()
    assert professional.professional_profile.service_radius_km != radius


def test_a_huge_radius_through_the_api_is_a_400(client_for, professional):
    response = client_for(professional).patch("/api/v1/me/", {"service_radius_km": 10**12}, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"service_radius_km"}
