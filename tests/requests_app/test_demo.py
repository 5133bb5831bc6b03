"""The demo requests loaded by `manage.py load_demo_data`: one per interesting state, through
the real services, and the same after a second run."""

from io import StringIO

import pytest
from django.core.management import call_command

from requests_app.models import RequestEvent, ServiceRequest, Status

pytestmark = pytest.mark.django_db


def test_demo_requests_cover_the_states_and_load_once():
    call_command("load_demo_data", stdout=StringIO())
    first = sorted(ServiceRequest.objects.values_list("status", flat=True))
    events = RequestEvent.objects.count()

    call_command("load_demo_data", stdout=StringIO())

    assert first == sorted(
        [Status.REQUESTED, Status.REQUESTED, Status.EN_ROUTE, Status.COMPLETED, Status.CANCELLED]
    )
    assert sorted(ServiceRequest.objects.values_list("status", flat=True)) == first
    assert RequestEvent.objects.count() == events
    assert not ServiceRequest.objects.filter(status=Status.EN_ROUTE, started_at__isnull=True).exists()


def test_the_demo_customer_watching_the_en_route_request_sees_the_professional_live():
    from tracking.selectors import location_latest

    call_command("load_demo_data", stdout=StringIO())
    trip = ServiceRequest.objects.get(status=Status.EN_ROUTE)

    latest = location_latest(user=trip.customer, service_request=trip)

    assert latest is not None
    assert latest.reported_by == trip.professional
    assert trip.location_updates.count() == 5
