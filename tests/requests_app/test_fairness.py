"""Fair among the nearest (DISPATCH_FAIRNESS_KM): the professionals within that many km of the
nearest one are offered a roadside request first, the one who has waited longest since their
last job leading (never a job: longest of all); everybody farther follows, nearest first."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from requests_app.models import Status
from tests.requests_app.factories import request_in_state
from tests.requests_app.test_offers import BREAKDOWN, offered, operator, roadside_request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dispatch_settings(settings):
    settings.DISPATCH_BATCH = 2
    settings.DISPATCH_MAX_ROUNDS = 3
    settings.DISPATCH_FAIRNESS_KM = 2.0


def last_job(professional, hours_ago):
    job = request_in_state(
        Status.COMPLETED, professional=professional, service=professional.professional_profile.service
    )
    job.assigned_at = timezone.now() - timedelta(hours=hours_ago)
    job.save(update_fields=["assigned_at"])


@pytest.fixture
def crew(dispatch_service):
    """Ann 1.1 km north (job 1 h ago), Ben 2.2 km (job 5 h ago), Cat 2.9 km (never a job),
    Dan 4.4 km (job 10 h ago): Ann, Ben and Cat are within 2 km of Ann, the nearest; Dan is not."""
    people = {
        name: operator(dispatch_service, name, hundredths)
        for name, hundredths in [("Ann", 1), ("Ben", 2), ("Cat", 3), ("Dan", 4)]
    }
    profile = people["Cat"].professional_profile
    profile.current_latitude = BREAKDOWN[0] + Decimal("0.026")
    profile.save(update_fields=["current_latitude"])
    last_job(people["Ann"], 1)
    last_job(people["Ben"], 5)
    last_job(people["Dan"], 10)
    return people


def test_the_longest_waiting_within_the_band_are_offered_first(customer, dispatch_service, crew):
    service_request = roadside_request(customer, dispatch_service)

    # Cat (never a job) and Ben (5 h) before Ann, the nearest (1 h); Dan is beyond the band.
    assert offered(service_request) == [("Ben", 1, "open"), ("Cat", 1, "open")]


def test_the_next_round_takes_the_rest_of_the_band_then_the_farther_nearest_first(
    customer, dispatch_service, crew
):
    from requests_app import offers

    service_request = roadside_request(customer, dispatch_service)
    offers.offer_round_advance(request_id=service_request.pk, now=timezone.now() + timedelta(seconds=61))

    # Round 2: Ann, the nearest, is now the nearest left (band 1.1 to 3.1 km: Ann alone), then
    # Dan, nearest first among the farther ones.
    assert offered(service_request, round=2) == [("Ann", 2, "open"), ("Dan", 2, "open")]


def test_with_no_band_it_is_nearest_first(customer, dispatch_service, crew, settings):
    settings.DISPATCH_FAIRNESS_KM = 0

    service_request = roadside_request(customer, dispatch_service)

    assert offered(service_request) == [("Ann", 1, "open"), ("Ben", 1, "open")]


def test_the_order_itself():
    from types import SimpleNamespace

    from requests_app.matching import fair_order

    now = timezone.now()
    nearest = [
        SimpleNamespace(name="Ann", distance_km=1.1, last_job_at=now - timedelta(hours=1)),
        SimpleNamespace(name="Ben", distance_km=2.2, last_job_at=now - timedelta(hours=5)),
        SimpleNamespace(name="Cat", distance_km=2.9, last_job_at=None),
        SimpleNamespace(name="Dan", distance_km=4.4, last_job_at=now - timedelta(hours=10)),
        SimpleNamespace(name="Eve", distance_km=3.5, last_job_at=None),
    ]
    nearest.sort(key=lambda p: p.distance_km)

    assert [p.name for p in fair_order(nearest, 2.0)] == ["Cat", "Ben", "Ann", "Eve", "Dan"]
    assert [p.name for p in fair_order(nearest, 0.0)] == ["Ann", "Ben", "Cat", "Eve", "Dan"]
    assert fair_order([], 2.0) == []
