"""Fixtures of the back-office tests: a browser session of the admin (Ada) and of a customer."""

import pytest
from django.test import Client

from requests_app.models import Status
from tests.requests_app.factories import ServiceRequestFactory, request_in_state


@pytest.fixture
def admin_browser(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def customer_browser(customer):
    client = Client()
    client.force_login(customer)
    return client


@pytest.fixture
def open_request(customer, service):
    """Alice's open request for a deep clean in pin code 560001, where Carol and Dave work."""
    return ServiceRequestFactory(customer=customer, service=service)


@pytest.fixture
def completed_request(customer, service, professional):
    return request_in_state(Status.COMPLETED, customer=customer, service=service, professional=professional)
