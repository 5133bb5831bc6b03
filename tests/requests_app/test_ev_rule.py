"""An electric vehicle is worked on only by an EV-certified professional: it is offered to,
accepted by, assigned to and matched with them alone."""

import pytest
from django.utils import timezone

from householdsvc.core.errors import NotFound, ValidationFailed
from requests_app import services
from requests_app.models import ServiceRequest, Status
from requests_app.selectors import professionals_suitable_for, service_request_list
from tests.accounts.factories import ProfessionalFactory
from tests.requests_app.factories import ServiceRequestFactory
from tracking.selectors import nearest_available_professionals

pytestmark = pytest.mark.django_db


@pytest.fixture
def certified(dispatch_service):
    return ProfessionalFactory(
        email="leela@example.com",
        professional_profile__service=dispatch_service,
        professional_profile__position_updated_at=timezone.now(),
        professional_profile__ev_certified=True,
    )


@pytest.fixture
def uncertified(dispatch_service):
    return ProfessionalFactory(
        email="vikram@example.com",
        professional_profile__service=dispatch_service,
        professional_profile__position_updated_at=timezone.now(),
        professional_profile__ev_certified=False,
    )


@pytest.fixture
def ev_request(customer, dispatch_service, certified, uncertified):
    return ServiceRequestFactory(customer=customer, service=dispatch_service, vehicle_type="ev")


@pytest.fixture
def car_request(customer, dispatch_service, certified, uncertified):
    return ServiceRequestFactory(customer=customer, service=dispatch_service, vehicle_type="car")


def test_an_ev_request_is_offered_only_to_certified_professionals(
    ev_request, car_request, certified, uncertified
):
    assert set(service_request_list(user=certified)) == {ev_request, car_request}
    assert set(service_request_list(user=uncertified)) == {car_request}


def test_an_uncertified_professional_cannot_accept_an_ev_request_it_does_not_exist_for_them(
    ev_request, uncertified
):
    with pytest.raises(NotFound):
        services.service_request_accept(request_id=ev_request.pk, professional=uncertified)

    ev_request.refresh_from_db()
    assert (ev_request.status, ev_request.professional_id) == (Status.REQUESTED, None)


def test_a_certified_professional_accepts_an_ev_request(ev_request, certified):
    services.service_request_accept(request_id=ev_request.pk, professional=certified)

    assert ServiceRequest.objects.get(pk=ev_request.pk).professional == certified


def test_an_uncertified_professional_may_take_any_other_vehicle(car_request, uncertified):
    services.service_request_accept(request_id=car_request.pk, professional=uncertified)

    assert ServiceRequest.objects.get(pk=car_request.pk).professional == uncertified


def test_an_admin_cannot_assign_an_ev_request_to_an_uncertified_professional(
    ev_request, uncertified, admin_user
):
    with pytest.raises(ValidationFailed) as refused:
        services.service_request_assign(request_id=ev_request.pk, professional=uncertified, actor=admin_user)

    assert "EV-certified" in refused.value.errors["professional"][0]
    assert ServiceRequest.objects.get(pk=ev_request.pk).status == Status.REQUESTED


def test_the_admins_suitable_list_for_an_ev_request_has_only_certified_professionals(
    ev_request, car_request, certified, uncertified
):
    assert list(professionals_suitable_for(service_request=ev_request)) == [certified]
    assert set(professionals_suitable_for(service_request=car_request)) == {certified, uncertified}


def test_the_nearest_professional_for_an_ev_is_a_certified_one(
    ev_request, car_request, certified, uncertified
):
    assert list(nearest_available_professionals(service_request=ev_request)) == [certified]
    assert set(nearest_available_professionals(service_request=car_request)) == {certified, uncertified}


def test_the_api_answers_404_to_an_uncertified_professional_accepting_an_ev_request(
    client_for, ev_request, uncertified
):
    response = client_for(uncertified).post(f"/api/v1/requests/{ev_request.pk}/accept/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
