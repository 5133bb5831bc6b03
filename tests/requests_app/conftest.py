import pytest

from requests_app.models import Status
from tests.requests_app.factories import ServiceRequestFactory, request_in_state


@pytest.fixture
def open_request(customer, service, professional, other_professional):
    """Alice's open request for a deep clean in pin code 560001, where Carol and Dave work: it
    is offered to both (they exist before it, as offers go out when a request is made)."""
    return ServiceRequestFactory(customer=customer, service=service)


@pytest.fixture
def assigned_request(customer, service, professional):
    return request_in_state(Status.ASSIGNED, customer=customer, service=service, professional=professional)


@pytest.fixture
def on_site_request(customer, service, professional):
    """Carol is at Alice's: the one state a job is completed from."""
    return request_in_state(Status.ON_SITE, customer=customer, service=service, professional=professional)


@pytest.fixture
def in_state(customer, service, professional, other_professional):
    """``in_state(status)``: Alice's request in that status, worked by Carol where it needs one."""

    def make(status, **fields):
        fields.setdefault("customer", customer)
        fields.setdefault("service", service)
        return request_in_state(status, professional=professional, **fields)

    return make


@pytest.fixture
def site_time_zone(settings):
    """The production default time zone (Asia/Kolkata, UTC+05:30) instead of the suite's UTC."""
    settings.TIME_ZONE = "Asia/Kolkata"
