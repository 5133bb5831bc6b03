"""The admins' dispatch board (tracking.admin_board): available professionals with a fresh
position and open roadside requests, unmatched ones marked; admins only; linked from the index."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import ProfessionalFactory
from tests.requests_app.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db

BOARD = reverse("admin:tracking_dispatch_board")
DATA = reverse("admin:tracking_dispatch_board_data")


@pytest.fixture
def scene(customer, dispatch_service, service):
    def professional(email, *, available=True, minutes_ago=1):
        return ProfessionalFactory(
            email=email,
            full_name=email.split("@")[0].title(),
            professional_profile__service=dispatch_service,
            professional_profile__is_available=available,
            professional_profile__current_latitude="12.950000",
            professional_profile__current_longitude="77.600000",
            professional_profile__position_updated_at=timezone.now() - timedelta(minutes=minutes_ago),
        )

    ready = professional("ready@example.com")
    professional("off@example.com", available=False)
    professional("stale@example.com", minutes_ago=60)
    roadside = {"customer": customer, "service": dispatch_service}
    waiting = ServiceRequestFactory(**roadside, latitude="12.9", longitude="77.6")
    now = timezone.now()
    unmatched = ServiceRequestFactory(**roadside, latitude="12.8", longitude="77.5", unmatched_at=now)
    ServiceRequestFactory(customer=customer, service=service)  # a household job: not on the board
    return ready, waiting, unmatched


def test_the_board_shows_available_professionals_and_open_roadside_requests(admin_browser, scene):
    ready, waiting, unmatched = scene

    data = admin_browser.get(DATA).json()

    professionals = [(p["id"], p["name"], p["latitude"]) for p in data["professionals"]]
    assert professionals == [(ready.pk, "Ready", 12.95)]
    requests = sorted((r["id"], r["unmatched"]) for r in data["requests"])
    assert requests == [(waiting.pk, False), (unmatched.pk, True)]
    page = admin_browser.get(BOARD)
    assert page.status_code == 200
    assert 'id="board-map"' in page.content.decode()
    assert "leaflet/leaflet.js" in page.content.decode()


def test_the_board_is_linked_from_the_admin_index(admin_browser):
    assert BOARD in admin_browser.get(reverse("admin:index")).content.decode()


def test_only_admins_see_the_board(client, customer, professional):
    for user in (customer, professional):
        client.force_login(user)
        assert client.get(DATA).status_code == 302  # to the admin's login
    assert Client().get(BOARD).status_code == 302
