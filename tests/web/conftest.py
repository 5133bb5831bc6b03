"""Fixtures for the web pages: logged-in browsers-in-a-test-client and requests in each state,
built through the same services the pages call."""

from decimal import Decimal

import pytest
from django.test import Client

from requests_app import services
from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import ServiceFactory

HOME_ADDRESS = "12 Secret Lane, Flat 4"
PIN_CODE = "560001"  # the pin code of the factories' professionals


@pytest.fixture
def web_client():
    """``web_client(user)``: a test client with that user logged in through the session."""

    def make(user=None):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def stranger_professional(db):
    """Approved, but for another service: nothing of the customer's is offered to them."""
    return ProfessionalFactory(
        email="frank@example.com",
        full_name="Frank Elsewhere",
        professional_profile__service=ServiceFactory(name="Gardening"),
    )


@pytest.fixture
def make_request(customer, service, professional):
    """``make_request(**fields)``: a customer's open request for the cleaning service."""

    def make(**fields):
        values = {
            "customer": customer,
            "service": service,
            "description": "Kitchen and two bathrooms",
            "address": HOME_ADDRESS,
            "pin_code": PIN_CODE,
        }
        values.update(fields)
        return services.service_request_create(**values)

    return make


@pytest.fixture
def open_request(make_request):
    return make_request()


@pytest.fixture
def assigned_request(open_request, professional):
    return services.service_request_accept(request_id=open_request.pk, professional=professional)


@pytest.fixture
def completed_request(assigned_request, professional):
    # Completed on site: set off, then arrive with the customer's start code.
    services.service_request_start(request_id=assigned_request.pk, professional=professional)
    services.service_request_arrive(
        request_id=assigned_request.pk, professional=professional, start_code=assigned_request.start_code
    )
    return services.service_request_complete(
        request_id=assigned_request.pk, professional=professional, final_price=Decimal("55.00")
    )
