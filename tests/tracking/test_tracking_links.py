"""Shareable tracking links (tracking.links): made and revoked by the request's customer only,
opened without a login, showing only the status, the professional's first name and vehicle,
the position and the ETA; 410 once revoked or the request is over; throttled."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_app.models import ServiceRequest, Status
from tracking import links
from tracking.models import LocationSource, LocationUpdate, TrackingLink

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def shared(en_route_request, customer, professional):
    profile = professional.professional_profile
    profile.vehicle_registration = "KA 01 AB 1234"
    profile.save(update_fields=["vehicle_registration"])
    LocationUpdate.objects.create(
        request=en_route_request,
        reported_by=professional,
        source=LocationSource.PROFESSIONAL,
        latitude=Decimal("12.950000"),
        longitude=Decimal("77.600000"),
        recorded_at=timezone.now() - timedelta(minutes=1),
    )
    link = links.tracking_link_create(user=customer, request_id=en_route_request.pk)
    return en_route_request, link, links.link_token(link)


def data_url(token):
    return reverse("tracking:shared-data", args=[token])


def test_the_holder_sees_only_status_first_name_vehicle_position_and_eta(shared, customer):
    service_request, _, token = shared

    response = Client().get(data_url(token))

    assert response.status_code == 200
    body = response.json()
    assert sorted(body) == ["eta", "point", "professional", "status", "status_label"]
    assert body["status"] == "en_route"
    assert body["professional"] == {"first_name": "Carol", "vehicle": "KA 01 AB 1234"}
    assert (body["point"]["latitude"], body["point"]["longitude"]) == (12.95, 77.6)
    assert sorted(body["eta"]) == ["arrives_at", "arrives_at_clock", "late", "minutes"]
    page = Client().get(reverse("tracking:shared", args=[token]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="live-map"' in html and "Carol" in html
    # Nothing of the customer: not their name, e-mail, phone, address or position.
    personal_data = (
        customer.full_name,
        customer.email,
        str(service_request.latitude),
        service_request.description,
        service_request.address,
    )
    for personal in personal_data:
        assert personal not in html and personal not in response.content.decode()


@pytest.mark.parametrize("status", [Status.COMPLETED, Status.CANCELLED, Status.CLOSED])
def test_the_link_is_gone_once_the_request_is_over(shared, status):
    service_request, _, token = shared
    ServiceRequest.objects.filter(pk=service_request.pk).update(status=status, final_price=Decimal("450.00"))

    assert Client().get(data_url(token)).status_code == 410
    assert Client().get(reverse("tracking:shared", args=[token])).status_code == 410


def test_a_revoked_link_is_gone_and_a_forged_one_unknown(shared, customer, client):
    service_request, link, token = shared
    client.force_login(customer)

    response = client.post(reverse("tracking:link-revoke", args=[service_request.pk, link.pk]))

    assert response.status_code == 302
    assert TrackingLink.objects.get(pk=link.pk).revoked_at is not None
    assert Client().get(data_url(token)).status_code == 410
    assert Client().get(data_url(token[:-2] + "xx")).status_code == 404


def test_only_the_customer_makes_or_revokes_links(shared, professional, other_customer, client):
    service_request, link, _ = shared
    for user in (professional, other_customer):
        client.force_login(user)
        client.post(reverse("tracking:link-create", args=[service_request.pk]))
        client.post(reverse("tracking:link-revoke", args=[service_request.pk, link.pk]))

    assert TrackingLink.objects.filter(request=service_request).count() == 1
    assert TrackingLink.objects.get(pk=link.pk).revoked_at is None


def test_the_customer_makes_a_link_from_the_request_page(en_route_request, customer, client):
    client.force_login(customer)

    response = client.post(reverse("tracking:link-create", args=[en_route_request.pk]), follow=True)

    # The token carries the second it was signed in, so read it back from the page rather than
    # signing a second one that may fall in the next second. The page shows the link more than
    # once, each signed as it is shown: across a second's turn they differ, all for this link.
    link = TrackingLink.objects.get(request=en_route_request)
    shown = set(re.findall(r"/track/([\w.-]+:[\w-]+:[\w-]+)/", response.content.decode()))
    assert shown
    assert {signing.loads(token, salt=links.SALT)["link"] for token in shown} == {link.pk}


def test_the_link_is_throttled(shared, settings):
    _, _, token = shared
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "tracking_link": "3/min",
        },
    }

    answers = [Client().get(data_url(token)).status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
