"""The professional's week view: household slots and roadside jobs on one calendar."""

from datetime import timedelta

import pytest
from django.utils import timezone

from requests_app.models import Status
from tests.catalog.factories import DispatchServiceFactory
from tests.requests_app.factories import request_in_state
from tests.requests_app.schedule_helpers import at, local_day


@pytest.fixture(autouse=True)
def _site_time_zone(settings):
    settings.TIME_ZONE = "Asia/Kolkata"


def test_the_week_shows_both_kinds_of_job_on_their_local_day(web_client, professional, service, customer):
    day = local_day(1)
    request_in_state(
        Status.ASSIGNED,
        professional=professional,
        service=service,
        customer=customer,
        busy_from=at(day, "10:00"),
        busy_until=at(day, "11:00"),
    )
    now = timezone.now()
    request_in_state(
        Status.EN_ROUTE,
        professional=professional,
        service=DispatchServiceFactory(name="Battery jump start"),
        customer=customer,
        busy_from=now,
        busy_until=now + timedelta(minutes=45),
    )

    page = web_client(professional).get(f"/requests/schedule/week/?start={timezone.localdate().isoformat()}")

    body = page.content.decode()
    assert page.status_code == 200
    assert "10:00\u201311:00" in body and "Deep cleaning" in body and "Household" in body
    assert "Battery jump start" in body and "Roadside" in body


def test_customers_have_no_week_view(web_client, customer):
    assert web_client(customer).get("/requests/schedule/week/").status_code == 403
