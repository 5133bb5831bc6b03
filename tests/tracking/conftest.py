from datetime import timedelta

import pytest
from django.utils import timezone

from requests_app.models import ServiceRequest, Status
from tests.requests_app.factories import ServiceRequestFactory, request_in_state

# How long ago Carol set off on the fixtures' trips: points of the last half hour are the trip's.
SET_OFF_AGO = timedelta(minutes=30)


@pytest.fixture
def in_state(customer, service, professional):
    """``in_state(status)``: Alice's request in that status, worked by Carol where it needs one;
    once started, Carol set off half an hour ago."""

    def make(status, **fields):
        fields.setdefault("customer", customer)
        fields.setdefault("service", service)
        service_request = request_in_state(status, professional=professional, **fields)
        if service_request.started_at is not None:
            ServiceRequest.objects.filter(pk=service_request.pk).update(
                started_at=timezone.now() - SET_OFF_AGO
            )
            service_request.refresh_from_db()
        return service_request

    return make


@pytest.fixture
def en_route_request(in_state):
    return in_state(Status.EN_ROUTE)


@pytest.fixture
def assigned_request(in_state):
    return in_state(Status.ASSIGNED)


@pytest.fixture
def open_request(customer, service, professional, other_professional):
    """Alice's open request in 560001: offered to Carol and Dave, assigned to nobody."""
    return ServiceRequestFactory(customer=customer, service=service)
