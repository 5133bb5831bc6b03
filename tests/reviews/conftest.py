"""Fixtures of the reviews tests: a completed request of Alice's done by Carol, and a review."""

import pytest

from requests_app.models import Status
from tests.reviews.factories import service_request_in_state


@pytest.fixture
def completed_request(customer, professional):
    return service_request_in_state(status=Status.COMPLETED, customer=customer, professional=professional)


@pytest.fixture
def closed_request(customer, professional):
    return service_request_in_state(status=Status.CLOSED, customer=customer, professional=professional)
