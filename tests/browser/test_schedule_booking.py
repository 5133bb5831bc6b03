"""In Chromium: a customer picks a free slot on the booking page and books it, then moves it to
another slot, and once a professional holds it, moves it again to a listed free slot from the
request page; the professional sees the household job and a roadside job on the week view."""

from datetime import timedelta

import pytest
from django.utils import timezone

from requests_app import services
from requests_app.models import ServiceRequest
from tests.catalog.factories import DispatchServiceFactory
from tests.requests_app.factories import ServiceRequestFactory
from tests.requests_app.schedule_helpers import at, local_day, works

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _site_time_zone(settings):
    settings.TIME_ZONE = "Asia/Kolkata"


def test_customer_picks_a_slot_and_reschedules_and_the_professional_sees_the_week(
    logged_in_context, live_server, customer, professional, service
):
    works(professional, ("09:00", "12:00"))
    page = logged_in_context(customer).new_page()
    page.goto(f"{live_server.url}/requests/new/?service={service.pk}")
    page.fill("#id_description", "Deep clean of the kitchen.")
    page.fill("#id_pin_code", "560001")
    page.dispatch_event("#id_pin_code", "change")

    first = page.locator("#slot-picker .slot").first
    first.wait_for()
    chosen_start = first.get_attribute("data-start")
    first.click()
    page.click("#request-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/requests/*/")

    booking = ServiceRequest.objects.get(customer=customer)
    assert timezone.localtime(booking.scheduled_for).isoformat() == chosen_start

    # Move it to 11:00 the day after tomorrow through the edit page.
    new_time = at(local_day(2), "11:00")
    page.goto(f"{live_server.url}/requests/{booking.pk}/edit/")
    page.fill("#id_scheduled_for", timezone.localtime(new_time).strftime("%Y-%m-%dT%H:%M"))
    page.click(f"form[action='/requests/{booking.pk}/edit/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/requests/{booking.pk}/")
    booking.refresh_from_db()
    assert booking.scheduled_for == new_time

    # Carol takes it; the customer moves it again from the request page, to a listed free slot:
    # she is free then, so it stays hers.
    services.service_request_accept(request_id=booking.pk, professional=professional)
    page.goto(f"{live_server.url}/requests/{booking.pk}/")
    moved_to = at(local_day(3), "10:00")
    page.select_option("#reschedule-time", timezone.localtime(moved_to).isoformat())
    page.click("#reschedule button[type=submit]")
    page.wait_for_url(f"{live_server.url}/requests/{booking.pk}/")
    assert page.locator("text=Your booking was moved.").count() == 1
    booking.refresh_from_db()
    assert (booking.scheduled_for, booking.status, booking.professional_id) == (
        moved_to,
        "assigned",
        professional.pk,
    )

    # A roadside job of her own is held now: both kinds on her week.
    roadside = DispatchServiceFactory()
    operator_job = ServiceRequestFactory(service=roadside, address="")
    ServiceRequest.objects.filter(pk=operator_job.pk).update(
        status="assigned",
        professional=professional,
        assigned_at=timezone.now(),
        busy_from=timezone.now(),
        busy_until=timezone.now() + timedelta(hours=1),
    )
    week = logged_in_context(professional).new_page()
    week.goto(f"{live_server.url}/requests/schedule/week/?start={timezone.localdate().isoformat()}")

    household = week.locator(f"[data-day='{local_day(3).isoformat()}'] .kind-at_address")
    assert household.inner_text().startswith("10:00\u201311:00")
    assert week.locator(f"[data-day='{local_day(2).isoformat()}'] .kind-at_address").count() == 0
    assert week.locator(f"[data-day='{timezone.localdate().isoformat()}'] .kind-dispatch").count() == 1
