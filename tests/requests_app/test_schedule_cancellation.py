"""The cancellation policy: free while unassigned or more than CANCEL_FREE_HOURS (24) before the
slot; after that or once en route, 20% of the estimate and at least 100.00; shown before
confirming and recorded on the request."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from requests_app import services
from requests_app.models import Status

pytestmark = pytest.mark.usefixtures("site_time_zone")


def held(in_state, status, hours_ahead, estimate="1000.00"):
    start = timezone.now() + timedelta(hours=hours_ahead)
    return in_state(
        status,
        price_estimate=Decimal(estimate),
        scheduled_for=start,
        busy_from=start,
        busy_until=start + timedelta(hours=1),
    )


def preview(client_for, user, service_request):
    return client_for(user).get(f"/api/v1/requests/{service_request.pk}/cancel/preview/")


def test_cancelling_an_open_request_is_free(client_for, customer, open_request):
    response = preview(client_for, customer, open_request)

    assert response.status_code == 200
    assert response.json() == {
        "fee": "0.00",
        "currency": "INR",
        "free": True,
        "free_until": None,
        "reason": "Free: no professional has taken it yet.",
    }
    cancelled = services.service_request_cancel(request_id=open_request.pk, actor=customer)
    assert cancelled.cancellation_fee == Decimal("0.00")


def test_more_than_a_day_before_the_slot_is_free_and_says_until_when(client_for, customer, in_state):
    job = held(in_state, Status.ASSIGNED, hours_ahead=30)

    body = preview(client_for, customer, job).json()

    assert (body["fee"], body["free"]) == ("0.00", True)
    free_until = job.busy_from - timedelta(hours=24)
    assert body["free_until"] == timezone.localtime(free_until).isoformat()


def test_within_a_day_of_the_slot_costs_twenty_percent_and_is_recorded(client_for, customer, in_state):
    job = held(in_state, Status.ASSIGNED, hours_ahead=5)

    body = preview(client_for, customer, job).json()
    cancelled = services.service_request_cancel(request_id=job.pk, actor=customer, reason="Ill")

    assert (body["fee"], body["free"]) == ("200.00", False)
    assert body["reason"] == "A fee of 20% of the estimate (at least 100.00): the slot is close."
    assert cancelled.cancellation_fee == Decimal("200.00")


def test_en_route_costs_at_least_the_minimum(client_for, customer, in_state):
    job = held(in_state, Status.EN_ROUTE, hours_ahead=48, estimate="40.00")

    body = preview(client_for, customer, job).json()

    assert (body["fee"], body["reason"]) == (
        "100.00",
        "A fee of 20% of the estimate (at least 100.00): the professional is on the way.",
    )


def test_preview_of_someone_elses_request_is_404_and_of_a_finished_one_409(
    client_for, other_customer, customer, in_state
):
    job = held(in_state, Status.ASSIGNED, hours_ahead=5)
    done = in_state(Status.COMPLETED)

    assert preview(client_for, other_customer, job).status_code == 404
    assert preview(client_for, customer, done).status_code == 409


def test_the_request_page_shows_the_fee_before_confirming(client, customer, in_state):
    job = held(in_state, Status.ASSIGNED, hours_ahead=5)
    client.force_login(customer)

    page = client.get(f"/requests/{job.pk}/").content.decode()

    assert "Cancelling now costs ₹200.00." in page
