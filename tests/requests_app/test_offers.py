"""Offers and dispatch rounds (requests_app.offers): who a new request is offered to, how the
rounds advance when nobody takes it, and what accepting, turning down, cancelling and switching
availability off do to the offers. Celery runs eagerly here; tests/requests_app/
test_dispatch_worker.py runs the rounds through a real worker."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from accounts.services import profile_update
from householdsvc.core.errors import Conflict, NotAllowed
from requests_app import offers, services
from requests_app.models import Offer, RequestEvent, ServiceRequest, Status
from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import ServiceFactory

pytestmark = pytest.mark.django_db

# A breakdown in Bengaluru's centre; professionals due north of it, 0.01° of latitude ≈ 1.11 km.
BREAKDOWN = (Decimal("12.971600"), Decimal("77.594600"))


def north(km_hundredths: int) -> Decimal:
    return BREAKDOWN[0] + Decimal(km_hundredths) / Decimal(100)


@pytest.fixture(autouse=True)
def _dispatch_settings(settings):
    settings.DISPATCH_BATCH = 2
    settings.DISPATCH_OFFER_SECONDS = 60
    settings.DISPATCH_MAX_ROUNDS = 2
    settings.POSITION_STALE_MINUTES = 10


def operator(service, name, hundredths, **profile):
    fields = {
        "professional_profile__service": service,
        "professional_profile__pin_code": "999000",
        "professional_profile__service_radius_km": 20,
        "professional_profile__current_latitude": north(hundredths),
        "professional_profile__current_longitude": BREAKDOWN[1],
        "professional_profile__position_updated_at": timezone.now(),
    }
    fields.update({f"professional_profile__{key}": value for key, value in profile.items()})
    return ProfessionalFactory(full_name=name, email=f"{name.lower()}@example.com", **fields)


def roadside_request(customer, service, **fields):
    values = {
        "customer": customer,
        "service": service,
        "description": "Flat tyre on the ring road.",
        "latitude": BREAKDOWN[0],
        "longitude": BREAKDOWN[1],
    }
    values.update(fields)
    return services.service_request_create(**values)


def offered(service_request, **filters):
    return sorted(
        Offer.objects.filter(request=service_request, **filters).values_list(
            "professional__full_name", "round", "state"
        )
    )


@pytest.fixture
def operators(dispatch_service):
    """Five operators 1.1, 2.2, 3.3, 4.4 and 5.6 km north, and some who must never be offered."""
    crew = {
        name: operator(dispatch_service, name, hundredths)
        for name, hundredths in [("Ann", 1), ("Ben", 2), ("Cat", 3), ("Dan", 4), ("Eve", 5)]
    }
    operator(dispatch_service, "Off", 0, is_available=False)
    operator(dispatch_service, "Stale", 0, position_updated_at=timezone.now() - timedelta(minutes=11))
    operator(dispatch_service, "Short", 0, service_radius_km=1, current_latitude=north(2))
    operator(ServiceFactory(), "Plumber", 0)
    return crew


def test_a_roadside_request_opens_round_one_to_the_nearest_suitable(
    customer, dispatch_service, operators, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        service_request = roadside_request(customer, dispatch_service)

    assert offered(service_request) == [("Ann", 1, "open"), ("Ben", 1, "open")]
    ann = Offer.objects.get(request=service_request, professional=operators["Ann"])
    assert ann.distance_km == Decimal("1.11")
    assert ann.expires_at - ann.offered_at == timedelta(seconds=60)
    service_request.refresh_from_db()
    assert service_request.dispatch_round == 1
    assert list(service_request.events.values_list("action", "note")) == [
        ("create", ""),
        ("offer", "Round 1: offered to 2 professional(s)."),
    ]
    assert sorted(message.to[0] for message in mail.outbox) == ["ann@example.com", "ben@example.com"]


def test_an_ev_goes_only_to_certified_operators(customer, dispatch_service, operators):
    operator(dispatch_service, "Volt", 6, ev_certified=True)

    service_request = roadside_request(customer, dispatch_service, vehicle_type="ev")

    assert offered(service_request) == [("Volt", 1, "open")]


def test_only_an_operator_holding_a_live_offer_may_accept(customer, dispatch_service, operators):
    service_request = roadside_request(customer, dispatch_service)

    with pytest.raises(NotAllowed) as excinfo:
        services.service_request_accept(request_id=service_request.pk, professional=operators["Cat"])
    assert excinfo.value.code == "not_offered"

    services.service_request_accept(request_id=service_request.pk, professional=operators["Ben"])

    assert offered(service_request) == [("Ann", 1, "withdrawn"), ("Ben", 1, "accepted")]
    with pytest.raises(Conflict) as excinfo:
        services.service_request_accept(request_id=service_request.pk, professional=operators["Ann"])
    assert excinfo.value.code == "invalid_transition"


def test_the_round_expires_and_the_next_goes_to_the_next_nearest(customer, dispatch_service, operators):
    service_request = roadside_request(customer, dispatch_service)
    later = timezone.now() + timedelta(seconds=61)

    assert offers.offers_sweep(now=timezone.now()) == 0
    assert offers.offers_sweep(now=later) == 1
    assert offers.offers_sweep(now=later) == 0  # the round went out once

    assert offered(service_request) == [
        ("Ann", 1, "expired"),
        ("Ben", 1, "expired"),
        ("Cat", 2, "open"),
        ("Dan", 2, "open"),
    ]
    with pytest.raises(Conflict) as excinfo:
        services.service_request_accept(request_id=service_request.pk, professional=operators["Ann"])
    assert excinfo.value.code == "offer_expired"


def test_an_open_offer_past_its_time_cannot_be_taken_before_the_sweep(customer, dispatch_service, operators):
    service_request = roadside_request(customer, dispatch_service)
    Offer.objects.filter(request=service_request).update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(Conflict) as excinfo:
        services.service_request_accept(request_id=service_request.pk, professional=operators["Ann"])
    assert excinfo.value.code == "offer_expired"


def test_after_the_last_round_the_request_is_unmatched(
    customer, dispatch_service, operators, django_capture_on_commit_callbacks
):
    service_request = roadside_request(customer, dispatch_service)
    with django_capture_on_commit_callbacks(execute=True):
        offers.offers_sweep(now=timezone.now() + timedelta(seconds=61))
        offers.offers_sweep(now=timezone.now() + timedelta(seconds=122))

    service_request.refresh_from_db()
    assert service_request.unmatched_at is not None
    assert service_request.status == Status.REQUESTED
    assert offered(service_request, state="open") == []
    assert service_request.events.last().note == "Nobody took it in 2 round(s) of offers."
    assert [message.to[0] for message in mail.outbox if "still looking" in message.subject] == [
        "alice@example.com"
    ]
    # Nothing more goes out, and an admin may still assign it.
    assert offers.offers_sweep(now=timezone.now() + timedelta(seconds=300)) == 0
    assert offered(service_request, round=3) == []


def test_nobody_in_range_flags_the_request_unmatched_at_once(customer, dispatch_service):
    operator(dispatch_service, "Far", 5000)  # 55 km away, radius 20

    service_request = roadside_request(customer, dispatch_service)

    service_request.refresh_from_db()
    assert service_request.unmatched_at is not None
    assert list(service_request.events.values_list("action", "note")) == [
        ("create", ""),
        ("unmatched", "Nobody suitable is in range."),
    ]


def test_turning_down_the_last_live_offer_sends_the_next_round_now(customer, dispatch_service, operators):
    service_request = roadside_request(customer, dispatch_service)

    services.service_request_reject(request_id=service_request.pk, professional=operators["Ann"])
    assert offered(service_request) == [("Ann", 1, "declined"), ("Ben", 1, "open")]
    services.service_request_reject(request_id=service_request.pk, professional=operators["Ben"])

    assert offered(service_request) == [
        ("Ann", 1, "declined"),
        ("Ben", 1, "declined"),
        ("Cat", 2, "open"),
        ("Dan", 2, "open"),
    ]


def test_a_round_is_advanced_once_and_an_accepted_request_sends_no_more(
    customer, dispatch_service, operators
):
    service_request = roadside_request(customer, dispatch_service)
    later = timezone.now() + timedelta(seconds=61)

    assert offers.offer_round_advance(request_id=service_request.pk, after_round=1, now=later) is True
    assert offers.offer_round_advance(request_id=service_request.pk, after_round=1, now=later) is False
    services.service_request_accept(request_id=service_request.pk, professional=operators["Cat"])
    assert offers.offer_round_advance(request_id=service_request.pk, after_round=2, now=later) is False
    assert offers.offers_sweep(now=later + timedelta(seconds=120)) == 0

    assert Offer.objects.filter(request=service_request).count() == 4


def test_switching_availability_off_withdraws_open_offers_at_once(
    customer, dispatch_service, operators, django_capture_on_commit_callbacks
):
    service_request = roadside_request(customer, dispatch_service)

    with django_capture_on_commit_callbacks(execute=True):
        profile_update(user=operators["Ann"], is_available=False)

    # Ann's offer is withdrawn; Ben's is still live, so the round stays as it is.
    assert offered(service_request) == [("Ann", 1, "withdrawn"), ("Ben", 1, "open")]
    with pytest.raises(Conflict) as excinfo:
        services.service_request_accept(request_id=service_request.pk, professional=operators["Ann"])
    assert excinfo.value.code == "offer_withdrawn"
    # Nor is she offered the next request.
    assert ("Ann", 1, "open") not in offered(roadside_request(customer, dispatch_service))


def test_cancelling_withdraws_every_open_offer(customer, dispatch_service, operators):
    service_request = roadside_request(customer, dispatch_service)

    services.service_request_cancel(request_id=service_request.pk, actor=customer)

    assert offered(service_request) == [("Ann", 1, "withdrawn"), ("Ben", 1, "withdrawn")]


def test_an_admin_assign_needs_no_offer_and_closes_the_others(
    customer, dispatch_service, operators, admin_user
):
    service_request = roadside_request(customer, dispatch_service)

    services.service_request_assign(
        request_id=service_request.pk, professional=operators["Eve"], actor=admin_user
    )

    assert offered(service_request) == [("Ann", 1, "withdrawn"), ("Ben", 1, "withdrawn")]
    assert ServiceRequest.objects.get(pk=service_request.pk).professional == operators["Eve"]


def test_a_household_job_goes_to_everyone_serving_the_pin_code_untimed(customer, service):
    for name, pin_code in [("Hal", "560001"), ("Ivy", "560001"), ("Jon", "110001")]:
        ProfessionalFactory(
            full_name=name, professional_profile__service=service, professional_profile__pin_code=pin_code
        )
    ProfessionalFactory(
        full_name="Kim", professional_profile__service=service, professional_profile__is_available=False
    )

    service_request = services.service_request_create(
        customer=customer, service=service, description="Deep clean."
    )

    assert offered(service_request) == [("Hal", 1, "open"), ("Ivy", 1, "open")]
    assert set(Offer.objects.filter(request=service_request).values_list("expires_at", flat=True)) == {None}
    assert offers.offers_sweep(now=timezone.now() + timedelta(days=2)) == 0


def test_the_offers_list_is_the_professionals_live_offers(client_for, customer, dispatch_service, operators):
    service_request = roadside_request(customer, dispatch_service)

    rows = client_for(operators["Ann"]).get("/api/v1/offers/").json()["results"]

    assert [(row["request_id"], row["round"], row["distance_km"], row["service"]) for row in rows] == [
        (service_request.pk, 1, "1.11", "Flat tyre")
    ]
    assert client_for(operators["Cat"]).get("/api/v1/offers/").json()["results"] == []


def test_a_late_accept_through_the_api_is_a_409(client_for, customer, dispatch_service, operators):
    service_request = roadside_request(customer, dispatch_service)
    offers.offers_sweep(now=timezone.now() + timedelta(seconds=61))

    response = client_for(operators["Ann"]).post(f"/api/v1/requests/{service_request.pk}/accept/")

    assert (response.status_code, response.json()["code"]) == (409, "offer_expired")
    assert RequestEvent.objects.filter(request=service_request, action="accept").count() == 0
