"""The professional's iCalendar feed: signed, revocable, and nothing personal beyond the job's
service, time and area."""

from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from requests_app.models import Status
from requests_app.schedule.calendar import calendar_feed_revoke, calendar_feed_url
from tests.catalog.factories import DispatchServiceFactory
from tests.requests_app.factories import request_in_state

START = datetime(2030, 1, 7, 4, 30, tzinfo=UTC)
END = datetime(2030, 1, 7, 5, 30, tzinfo=UTC)


@pytest.fixture
def jobs(professional, service, customer):
    request_in_state(
        Status.ASSIGNED,
        professional=professional,
        service=service,
        customer=customer,
        address="221B Secret Street",
        busy_from=START,
        busy_until=END,
    )
    request_in_state(
        Status.ON_SITE,
        professional=professional,
        service=DispatchServiceFactory(name="Flat tyre"),
        customer=customer,
        pin_code="",
        busy_from=datetime(2030, 1, 8, 4, 30, tzinfo=UTC),
        busy_until=datetime(2030, 1, 8, 5, 0, tzinfo=UTC),
    )


def path_of(url):
    return url.split("127.0.0.1:8000", 1)[-1]


def test_the_feed_lists_both_kinds_of_job_without_personal_data(client, professional, customer, jobs):
    response = client.get(path_of(calendar_feed_url(professional=professional)))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = [
        (str(e["summary"]), e.decoded("dtstart"), e.decoded("dtend"), str(e.get("location", "")))
        for e in Calendar.from_ical(response.content).walk("VEVENT")
    ]
    assert events == [
        ("Deep cleaning (household)", START, END, "Pin code 560001"),
        (
            "Flat tyre (roadside)",
            datetime(2030, 1, 8, 4, 30, tzinfo=UTC),
            datetime(2030, 1, 8, 5, 0, tzinfo=UTC),
            "",
        ),
    ]
    body = response.content.decode()
    assert customer.full_name not in body and "Secret Street" not in body and customer.email not in body


def test_a_revoked_or_forged_link_is_a_404(client, professional, other_professional, jobs):
    old = calendar_feed_url(professional=professional)
    new = calendar_feed_revoke(professional=professional)

    assert client.get(path_of(old)).status_code == 404
    assert client.get(path_of(new)).status_code == 200
    forged = path_of(new).replace(f"/{professional.pk}.", f"/{other_professional.pk}.")
    assert client.get(forged).status_code == 404
