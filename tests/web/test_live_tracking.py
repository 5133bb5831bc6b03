"""Live tracking on the request page: the customer's "Live position" panel and the assigned
professional's "Share my location" panel, per role and state, and that the page never shows the
professional's position to anyone the tracking rules do not allow (see tracking.selectors).
The live behaviour itself (socket, sharing) is driven in tests/browser/test_live_tracking.py."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_app import services
from requests_app.models import ServiceRequest, Status
from tests.tracking.factories import LocationUpdateFactory, point_json

pytestmark = pytest.mark.django_db

# Where the customer asked for help, and a professional's fix 1.4 km from it: distinctive digits,
# so a leak shows up in the page's text.
REQUEST_POSITION = {"latitude": Decimal("12.935200"), "longitude": Decimal("77.624500")}
NEAR_LATITUDE, NEAR_LONGITUDE = Decimal("12.946000"), Decimal("77.631000")
NEAR = "12.946000, 77.631000"


def detail_url(service_request):
    return reverse("requests_app:detail", args=[service_request.pk])


def live_config(response):
    """The settings the page hands to tracking/live.js, or None when it loads no live script."""
    return response.context["live_config"]


def body_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def positioned_request(make_request, professional):
    """Alice's request with a position, accepted by Carol."""
    service_request = make_request(**REQUEST_POSITION)
    return services.service_request_accept(request_id=service_request.pk, professional=professional)


@pytest.fixture
def in_state(positioned_request, professional):
    """``in_state(status)``: the accepted request moved on to ``status`` through the services;
    once started, Carol set off half an hour ago (so the points of the tests are the trip's)."""

    def move(status):
        request_id = positioned_request.pk
        steps = [Status.EN_ROUTE, Status.ON_SITE, Status.COMPLETED, Status.CLOSED]
        for step in steps[: steps.index(status) + 1] if status in steps else []:
            if step == Status.EN_ROUTE:
                services.service_request_start(request_id=request_id, professional=professional)
                ServiceRequest.objects.filter(pk=request_id).update(
                    started_at=timezone.now() - timedelta(minutes=30)
                )
            elif step == Status.ON_SITE:
                services.service_request_arrive(
                    request_id=request_id, professional=professional, start_code=positioned_request.start_code
                )
            elif step == Status.COMPLETED:
                services.service_request_complete(
                    request_id=request_id, professional=professional, final_price=Decimal("50.00")
                )
            else:
                services.service_request_close(request_id=request_id, actor=positioned_request.customer)
        return ServiceRequest.objects.get(pk=request_id)

    return move


def reported(service_request, *, seconds_ago=30, **fields):
    """A point Carol's phone reported on the request ``seconds_ago``, near its position."""
    fields.setdefault("latitude", NEAR_LATITUDE)
    fields.setdefault("longitude", NEAR_LONGITUDE)
    return LocationUpdateFactory(
        request=service_request, recorded_at=timezone.now() - timedelta(seconds=seconds_ago), **fields
    )


# --- The customer's "Live position" panel -------------------------------------------------------


@pytest.mark.parametrize("status", [Status.EN_ROUTE, Status.ON_SITE])
def test_the_customer_sees_the_professionals_latest_position_while_en_route_or_on_site(
    web_client, customer, in_state, status
):
    service_request = in_state(status)
    reported(service_request, seconds_ago=90, latitude=Decimal("12.940000"))
    latest = reported(service_request, seconds_ago=20)

    response = web_client(customer).get(detail_url(service_request))

    body = body_of(response)
    assert response.status_code == 200
    assert response.context["live_position_shown"] and response.context["live_point"] == latest
    assert '<section class="card" id="live-position" aria-live="polite">' in body  # not hidden
    assert f"{NEAR} (±8 m)" in body
    assert "1.4 km from the request's position" in body
    assert "geo:12.946000,77.631000" in body
    assert "https://www.openstreetmap.org/?mlat=12.946000&amp;mlon=77.631000" in body
    assert "12.940000" not in body  # only the newest point
    assert "seconds ago</dd>" in body  # live.js keeps it current


def test_the_page_hands_the_live_script_the_socket_and_the_latest_point(web_client, customer, in_state):
    service_request = in_state(Status.EN_ROUTE)
    latest = reported(service_request)

    response = web_client(customer).get(detail_url(service_request))

    config = live_config(response)
    assert config["requestId"] == service_request.pk and config["status"] == Status.EN_ROUTE
    assert config["statusLabels"]["on_site"] == "On site"
    assert config["trackableStatuses"] == ["en_route", "on_site"]
    assert config["watch"]["socketPath"] == f"/ws/requests/{service_request.pk}/"
    assert config["watch"]["target"] == {"latitude": 12.9352, "longitude": 77.6245}
    assert config["watch"]["point"]["id"] == latest.pk
    assert config["watch"]["point"]["latitude"] == "12.946000"
    assert config["share"] is None
    # The same settings, as the script reads them from the page.
    script = body_of(response).split('<script id="live-config" type="application/json">')[1]
    assert json.loads(script.split("</script>")[0]) == json.loads(json.dumps(config))
    assert 'src="/static/tracking/live.js"' in body_of(response)


def test_the_script_the_page_loads_is_a_static_file():
    assert finders.find("tracking/live.js")


def test_en_route_without_a_fix_yet_the_panel_waits_for_one(web_client, customer, in_state):
    service_request = in_state(Status.EN_ROUTE)

    response = web_client(customer).get(detail_url(service_request))

    body = body_of(response)
    assert response.context["live_position_shown"] and response.context["live_point"] is None
    assert "Waiting for Carol Pro's position" in body
    assert live_config(response)["watch"]["point"] is None


def test_a_request_without_a_position_shows_no_distance(web_client, customer, make_request, professional):
    service_request = make_request()  # an address, no position
    services.service_request_accept(request_id=service_request.pk, professional=professional)
    services.service_request_start(request_id=service_request.pk, professional=professional)
    ServiceRequest.objects.filter(pk=service_request.pk).update(
        started_at=timezone.now() - timedelta(hours=1)
    )
    service_request.refresh_from_db()
    reported(service_request)

    response = web_client(customer).get(detail_url(service_request))

    assert NEAR in body_of(response)
    assert response.context["live_distance_km"] is None
    assert live_config(response)["watch"]["target"] is None


def test_points_from_before_the_professional_set_off_are_not_shown(web_client, customer, in_state):
    service_request = in_state(Status.EN_ROUTE)
    ServiceRequest.objects.filter(pk=service_request.pk).update(started_at=timezone.now())
    reported(service_request, seconds_ago=60)  # while still only assigned

    response = web_client(customer).get(detail_url(service_request))

    assert response.context["live_point"] is None
    assert "12.946000" not in body_of(response)


@pytest.mark.parametrize("status", [Status.REQUESTED, Status.ASSIGNED])
def test_before_en_route_the_customer_is_shown_no_position_but_follows_the_status(
    web_client, customer, professional, make_request, in_state, status
):
    service_request = in_state(status) if status == Status.ASSIGNED else make_request(**REQUEST_POSITION)
    if status == Status.ASSIGNED:
        reported(service_request)  # Carol's phone already reports while she gets ready

    response = web_client(customer).get(detail_url(service_request))

    body = body_of(response)
    assert not response.context["live_position_shown"] and response.context["live_point"] is None
    # The panel is there for the script to reveal once she sets off, hidden and empty.
    assert '<section class="card" id="live-position" aria-live="polite" hidden>' in body
    assert "12.946000" not in body and "77.631000" not in body
    config = live_config(response)
    assert config["watch"]["point"] is None and config["share"] is None


@pytest.mark.parametrize("status", [Status.COMPLETED, Status.CLOSED])
def test_once_the_job_is_done_the_customer_sees_no_position(web_client, customer, in_state, status):
    service_request = in_state(status)
    reported(service_request)

    response = web_client(customer).get(detail_url(service_request))

    body = body_of(response)
    assert response.context["live_point"] is None
    assert "12.946000" not in body and "77.631000" not in body
    if status == Status.COMPLETED:  # still followed, for the close: the panel stays hidden
        assert '<section class="card" id="live-position" aria-live="polite" hidden>' in body
    else:  # nothing can change any more: no socket, no script
        assert live_config(response) is None and 'id="live-position"' not in body
        assert "tracking/live.js" not in body


def test_a_cancelled_request_loads_no_live_script(web_client, customer, positioned_request):
    services.service_request_cancel(
        request_id=positioned_request.pk, actor=customer, reason="No longer needed"
    )

    response = web_client(customer).get(detail_url(positioned_request))

    assert live_config(response) is None
    assert 'id="live-position"' not in body_of(response) and "tracking/live.js" not in body_of(response)


def test_another_customer_cannot_open_the_page_at_all(web_client, other_customer, in_state):
    service_request = in_state(Status.EN_ROUTE)
    reported(service_request)

    response = web_client(other_customer).get(detail_url(service_request))

    assert response.status_code == 404
    assert "12.946000" not in body_of(response)


def test_an_admin_is_not_shown_the_customers_panel(web_client, admin_user, in_state):
    service_request = in_state(Status.EN_ROUTE)
    reported(service_request)

    response = web_client(admin_user).get(detail_url(service_request))

    assert response.status_code == 200
    assert live_config(response) is None and 'id="live-position"' not in body_of(response)


# --- The professional's "Share my location" panel -----------------------------------------------


@pytest.mark.parametrize("status", [Status.ASSIGNED, Status.EN_ROUTE, Status.ON_SITE])
def test_the_assigned_professional_may_share_their_location_while_working_the_job(
    web_client, professional, in_state, status
):
    service_request = in_state(status)
    reported(service_request)

    response = web_client(professional).get(detail_url(service_request))

    body = body_of(response)
    assert response.context["live_sharing"]
    assert 'id="share-toggle"' in body and "Share my location" in body
    assert 'name="csrfmiddlewaretoken"' in body.split('id="share-form"')[1].split("</form>")[0]
    config = live_config(response)
    assert config["share"] == {
        "locationsUrl": reverse("api:request-location-list", kwargs={"request_id": service_request.pk}),
        # Within ARRIVAL_RADIUS_M of the request's position the page offers Arrive.
        "target": {
            "latitude": float(service_request.latitude),
            "longitude": float(service_request.longitude),
        },
        "arrivalRadiusM": 200,
    }
    # The customer's panel is not theirs, and they need no socket for it.
    assert config["watch"] is None and 'id="live-position"' not in body


@pytest.mark.parametrize("status", [Status.COMPLETED, Status.CLOSED])
def test_the_professional_shares_nothing_once_the_job_is_done(web_client, professional, in_state, status):
    service_request = in_state(status)

    response = web_client(professional).get(detail_url(service_request))

    assert not response.context["live_sharing"] and live_config(response) is None
    assert 'id="share-toggle"' not in body_of(response)


def test_a_professional_only_offered_the_request_gets_no_live_panel(
    web_client, other_professional, make_request
):
    service_request = make_request(**REQUEST_POSITION)

    response = web_client(other_professional).get(detail_url(service_request))

    body = body_of(response)
    assert response.status_code == 200
    assert live_config(response) is None
    assert 'id="share-toggle"' not in body and 'id="live-position"' not in body


def test_another_professional_cannot_open_an_assigned_request(web_client, other_professional, in_state):
    service_request = in_state(Status.EN_ROUTE)
    reported(service_request)

    response = web_client(other_professional).get(detail_url(service_request))

    assert response.status_code == 404


# --- The page's session posts points only with its CSRF token -----------------------------------


def test_the_shared_points_need_the_pages_csrf_token(professional, in_state):
    """DRF's SessionAuthentication enforces CSRF (JWT clients are exempt): live.js sends the
    token the page rendered in the share form as X-CSRFToken."""
    service_request = in_state(Status.EN_ROUTE)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(professional)
    page = browser.get(detail_url(service_request))
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    url = live_config(page)["share"]["locationsUrl"]
    batch = json.dumps({"points": [point_json(seconds_ago=3)]})

    refused = browser.post(url, batch, content_type="application/json")
    accepted = browser.post(url, batch, content_type="application/json", headers={"X-CSRFToken": token})

    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert accepted.status_code == 201 and accepted.json() == {"accepted": 1, "duplicates": 0, "count": 1}
