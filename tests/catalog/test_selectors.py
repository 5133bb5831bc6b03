"""service_list: active services for everyone, the whole catalogue for admins, and its search."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import VerificationStatus
from catalog import selectors
from householdsvc import errors
from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def names(queryset):
    return [service.name for service in queryset]


def test_inactive_services_are_hidden_from_everyone_but_admins(service, customer, admin_user):
    ServiceFactory(name="Retired chimney sweep", is_active=False)

    assert names(selectors.service_list(user=AnonymousUser())) == ["Deep cleaning"]
    assert names(selectors.service_list(user=customer)) == ["Deep cleaning"]
    assert names(selectors.service_list(user=admin_user)) == ["Deep cleaning", "Retired chimney sweep"]


def test_search_by_part_of_the_name_in_any_case(service, dispatch_service):
    assert names(selectors.service_list(user=None, search="CLEAN")) == ["Deep cleaning"]


def test_kind_filter(service, dispatch_service):
    assert names(selectors.service_list(user=None, kind="dispatch")) == ["Flat tyre"]


def test_unknown_kind_is_a_field_error(service):
    with pytest.raises(errors.ValidationFailed) as caught:
        selectors.service_list(user=None, kind="teleport")

    assert "kind" in caught.value.errors


def test_pin_code_keeps_services_an_approved_active_professional_offers_there(service, dispatch_service):
    ProfessionalFactory(professional_profile__service=service, professional_profile__pin_code="560034")
    ProfessionalFactory(professional_profile__service=service, professional_profile__pin_code="560034")
    ProfessionalFactory(
        professional_profile__service=dispatch_service,
        professional_profile__pin_code="560034",
        professional_profile__verification_status=VerificationStatus.PENDING,
    )
    ProfessionalFactory(
        professional_profile__service=dispatch_service,
        professional_profile__pin_code="560034",
        is_active=False,
    )

    # Two plumbers there, listed once; the pending and the blocked operator do not count.
    assert names(selectors.service_list(user=None, pin_code="560034")) == ["Deep cleaning"]
    assert names(selectors.service_list(user=None, pin_code="110001")) == []


def test_an_inactive_service_is_not_found_for_customers(customer, admin_user):
    retired = ServiceFactory(is_active=False)

    with pytest.raises(errors.NotFound):
        selectors.service_get(user=customer, service_id=retired.pk)
    assert selectors.service_get(user=admin_user, service_id=retired.pk) == retired
