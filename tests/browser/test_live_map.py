"""The customer's live map in Chromium: the breakdown pin, the professional's marker moving as
their points arrive (posted the way the app does), the trail, the ETA and "running late".
Tiles are off in the tests (MAP_TILE_URL empty): nothing is fetched from outside."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from requests_app import services
from requests_app.models import ServiceRequest
from tests.browser.conftest import PHONE
from tests.browser.test_live_tracking import (  # noqa: F401 (fixtures)
    customer_page_following,
    en_route_request,
    off_the_browser_thread,
    report_as_app,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAR_AWAY = {"latitude": 12.9496, "longitude": 77.6245, "accuracy": 12}  # 1.6 km from the breakdown


def test_the_customer_sees_the_map_the_moving_marker_the_eta_and_a_delay(
    asgi_live_server,
    asgi_logged_in_context,
    customer,
    professional,
    en_route_request,  # noqa: F811
):
    # Carol set off twenty minutes ago.
    set_off = en_route_request.started_at - timedelta(minutes=20)
    ServiceRequest.objects.filter(pk=en_route_request.pk).update(started_at=set_off)
    page = customer_page_following(asgi_logged_in_context, asgi_live_server, customer, en_route_request)

    # The map is there with the breakdown pin, and no tile was asked for.
    expect(page.locator("#live-map.leaflet-container")).to_be_visible()
    expect(page.locator("#live-map")).to_have_attribute("data-pin", "12.935200,77.624500")
    assert page.locator("#live-map img.leaflet-tile").count() == 0

    # When Carol's first point arrives (6.1 km away), her marker shows with the promised ETA
    start = set_off

    def fix(minutes, latitude):
        moment = start + timedelta(minutes=minutes)
        return {"latitude": latitude, "longitude": 77.6245, "recorded_at": moment.isoformat()}

    first = fix(3, 12.99)
    assert report_as_app(asgi_live_server, professional, en_route_request, first) == 201
    expect(page.locator("#live-map")).to_have_attribute("data-professional", "12.990000,77.624500")
    expect(page.locator("#live-eta")).to_have_text(re.compile(r"^Arriving in about 12 min \(\d\d:\d\d\)$"))
    expect(page.locator("#live-late")).to_be_hidden()

    # When she moves 2 km in 2 minutes, the marker follows, the trail grows, the ETA shrinks
    moving = fix(5, 12.972)
    assert report_as_app(asgi_live_server, professional, en_route_request, moving) == 201
    expect(page.locator("#live-map")).to_have_attribute("data-professional", "12.972000,77.624500")
    expect(page.locator("#live-map")).to_have_attribute("data-trail", "2")
    expect(page.locator("#live-eta")).to_have_text(re.compile(r"^Arriving in about 4 min "))

    # When she then stands still for 14 minutes, the floor speed makes her late, and Alice is told
    standing = fix(19, 12.972)
    assert report_as_app(asgi_live_server, professional, en_route_request, standing) == 201
    expect(page.locator("#live-late")).to_have_text(re.compile(r"^Running late: now \d\d:\d\d$"))
    expect(page.locator("#live-eta")).to_have_text(re.compile(r"^Arriving in about 25 min "))
    page.screenshot(path="/tmp/hs-live-map.png", full_page=True)
    assert page.evaluate("window.sameDocument") is True


def test_a_shared_link_shows_the_map_without_a_login_then_410_after_completion(
    asgi_live_server,
    asgi_logged_in_context,
    new_context,
    customer,
    professional,
    en_route_request,  # noqa: F811
):
    # Alice makes a tracking link on her request page
    alice = customer_page_following(asgi_logged_in_context, asgi_live_server, customer, en_route_request)
    alice.click("#tracking-link-new")
    url = alice.locator(".tracking-link-url").first.input_value()
    assert url.startswith(asgi_live_server.url + "/track/")
    point = {"latitude": 12.95, "longitude": 77.6245, "recorded_at": timezone.now().isoformat()}
    assert report_as_app(asgi_live_server, professional, en_route_request, point) == 201

    # Someone without an account opens it in a fresh browser
    friend = new_context().new_page()
    response = friend.goto(url)
    assert response.status == 200
    expect(friend.locator("#live-map.leaflet-container")).to_be_visible()
    expect(friend.locator("#live-map")).to_have_attribute("data-professional", "12.950000,77.624500")
    expect(friend.locator("#shared-professional")).to_have_text("Carol")
    expect(friend.locator("#live-eta")).to_have_text(re.compile(r"^Arriving in about \d+ min "))
    assert customer.email not in friend.content()
    friend.screenshot(path="/tmp/hs-shared-link.png", full_page=True)

    # When the job is completed, the open page says so, and the link answers 410
    def complete():
        services.service_request_arrive(
            request_id=en_route_request.pk, professional=professional, start_code=en_route_request.start_code
        )
        return services.service_request_complete(
            request_id=en_route_request.pk,
            professional=professional,
            final_price=en_route_request.price_estimate,
        )

    off_the_browser_thread(complete)
    expect(friend.locator("#shared-state")).to_have_text(
        "This tracking link no longer works: the job is over.", timeout=15_000
    )
    assert friend.goto(url).status == 410
    expect(friend.locator("#shared-gone h1")).to_have_text("This tracking link no longer works")


def test_the_dispatch_board_maps_the_open_roadside_request(
    asgi_live_server,
    asgi_logged_in_context,
    admin_user,
    en_route_request,  # noqa: F811
):
    open_one = ServiceRequest.objects.create(
        customer=en_route_request.customer,
        service=en_route_request.service,
        description="Battery flat",
        latitude=Decimal("12.930000"),
        longitude=Decimal("77.620000"),
        unmatched_at=timezone.now(),
    )
    page = asgi_logged_in_context(admin_user).new_page()

    page.goto(asgi_live_server.url + "/admin/")
    page.click("text=Dispatch board")

    expect(page.locator("#board-map.leaflet-container")).to_be_visible()
    expect(page.locator("#board-map")).to_have_attribute("data-unmatched", "1")
    expect(page.locator("#board-requests")).to_contain_text(f"#{open_one.pk}")
    page.screenshot(path="/tmp/hs-dispatch-board.png", full_page=True)


def test_within_the_arrival_radius_the_professionals_page_offers_arrive(
    asgi_live_server,
    asgi_logged_in_context,
    professional,
    en_route_request,  # noqa: F811
):
    carol = asgi_logged_in_context(
        professional, viewport=PHONE, permissions=["geolocation"], geolocation=FAR_AWAY
    ).new_page()
    carol.goto(asgi_live_server.url + reverse("requests_app:detail", args=[en_route_request.pk]))
    carol.click("#share-toggle")
    expect(carol.locator("#share-sent")).to_contain_text("Last sent")
    expect(carol.locator("#arrive-near")).to_be_hidden()

    # 100 m from the breakdown: inside ARRIVAL_RADIUS_M (200 m)
    carol.context.set_geolocation({"latitude": 12.9361, "longitude": 77.6245, "accuracy": 5})

    expect(carol.locator("#arrive-near")).to_be_visible(timeout=15_000)
    expect(carol.locator("#start-code")).to_be_focused()


def test_the_customer_drags_the_pin_to_correct_the_browsers_position(
    asgi_live_server, asgi_logged_in_context, customer
):
    alice = asgi_logged_in_context(
        customer,
        viewport=PHONE,
        permissions=["geolocation"],
        geolocation={"latitude": 12.9352, "longitude": 77.6245},
    ).new_page()
    alice.goto(asgi_live_server.url + reverse("requests_app:new"))
    expect(alice.locator("#pin-map")).to_be_hidden()

    alice.click("#use-my-location")
    expect(alice.locator("input[name=latitude]")).to_have_value("12.935200")
    pin = alice.locator("#pin-map .leaflet-marker-icon")
    expect(pin).to_be_visible()

    # Dragged 100 px up (north) and 50 px right (east)
    pin.scroll_into_view_if_needed()
    box = pin.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    alice.mouse.move(x, y)
    alice.mouse.down()
    alice.mouse.move(x + 25, y - 50, steps=5)
    alice.mouse.move(x + 50, y - 100, steps=5)
    alice.mouse.up()
    alice.screenshot(path="/tmp/hs-pin.png", full_page=True)
    expect(alice.locator("input[name=latitude]")).not_to_have_value("12.935200")

    latitude = float(alice.locator("input[name=latitude]").input_value())
    longitude = float(alice.locator("input[name=longitude]").input_value())
    assert latitude > 12.9352 and longitude > 77.6245
    assert (latitude - 12.9352) < 0.01 and (longitude - 77.6245) < 0.01
