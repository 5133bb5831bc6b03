"""Live tracking in real browsers, against the real ASGI app (HTTP and WebSocket): the
professional's phone shares its position from the request page, and the customer's page, open on
the same request, shows it and follows it without reloading.

The professional's browser has the geolocation permission and an emulated position; moving the
emulated position is the phone moving. The pages post and watch through the ASGI server's own
threads, so the broadcasts are real ones through channels-redis.
"""

import json
import re
import threading
import urllib.error
import urllib.request
from decimal import Decimal

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from rest_framework_simplejwt.tokens import RefreshToken

from requests_app import services
from requests_app.models import ServiceRequest, Status
from tests.browser.conftest import PHONE
from tracking.models import LocationUpdate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Alice's car, and two fixes of Carol's phone on her way there (1.6 km, then 500 m away).
BREAKDOWN = {"latitude": Decimal("12.935200"), "longitude": Decimal("77.624500")}
FIRST_FIX = {"latitude": 12.9496, "longitude": 77.6245, "accuracy": 12}
SECOND_FIX = {"latitude": 12.9397, "longitude": 77.6245, "accuracy": 6}
# A batch leaves at most every 5 s (live.js), and the socket needs a moment more.
BATCH_WAIT_MS = 15_000


def off_the_browser_thread(work):
    """``work()`` in a thread of its own, for services whose after-commit broadcast goes through
    ``async_to_sync``: it refuses the main thread, where Playwright's event loop keeps running."""
    outcome = {}

    def target():
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed back to the test's thread
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.fixture
def en_route_request(customer, professional, dispatch_service):
    """Alice's roadside request, accepted by Carol, who has just set off."""
    professional.professional_profile.service = dispatch_service
    # A fresh position, so the new request is offered to her.
    professional.professional_profile.position_updated_at = timezone.now()
    professional.professional_profile.save(update_fields=["service", "position_updated_at"])

    def book_and_set_off():
        service_request = services.service_request_create(
            customer=customer, service=dispatch_service, description="Flat tyre on the ring road", **BREAKDOWN
        )
        services.service_request_accept(request_id=service_request.pk, professional=professional)
        return services.service_request_start(request_id=service_request.pk, professional=professional)

    return off_the_browser_thread(book_and_set_off)


def page_url(server, service_request) -> str:
    return server.url + reverse("requests_app:detail", args=[service_request.pk])


def customer_page_following(asgi_logged_in_context, server, customer, service_request):
    page = asgi_logged_in_context(customer, viewport=PHONE).new_page()
    page.goto(page_url(server, service_request))
    expect(page.locator("#live-connection")).to_have_text("Live")
    # Gone after any reload: proves that what follows arrives on this very page.
    page.evaluate("window.sameDocument = true")
    return page


def professional_page(asgi_logged_in_context, server, professional, service_request, **options):
    page = asgi_logged_in_context(professional, viewport=PHONE, **options).new_page()
    page.goto(page_url(server, service_request))
    return page


def report_as_app(server, user, service_request, point) -> int:
    """A batch posted the way the mobile app does (JWT), to the running server."""
    body = json.dumps({"points": [point]}).encode()
    token = RefreshToken.for_user(user).access_token
    request = urllib.request.Request(
        f"{server.url}/api/v1/requests/{service_request.pk}/locations/",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_customer_watches_the_professional_share_their_position_live(
    asgi_live_server, asgi_logged_in_context, customer, professional, en_route_request
):
    # Given Alice following her request, before Carol shares anything
    customer_page = customer_page_following(
        asgi_logged_in_context, asgi_live_server, customer, en_route_request
    )
    expect(customer_page.locator("#live-position")).to_be_visible()
    expect(customer_page.locator("#live-waiting")).to_have_text("Waiting for Carol Pro's position…")

    # When Carol, on her phone, turns sharing on
    carol = professional_page(
        asgi_logged_in_context,
        asgi_live_server,
        professional,
        en_route_request,
        permissions=["geolocation"],
        geolocation=FIRST_FIX,
    )
    carol.click("#share-toggle")
    expect(carol.locator("#share-toggle")).to_have_text("Stop sharing")
    expect(carol.locator("#share-sent")).to_contain_text("Last sent")

    # Then Alice sees where Carol is, how far, and how fresh, with links to a maps app
    expect(customer_page.locator("#live-coords")).to_have_text("12.949600, 77.624500 (±12 m)")
    expect(customer_page.locator("#live-distance")).to_have_text("1.6 km from the request's position")
    expect(customer_page.locator("#live-age")).to_have_text(re.compile(r"^\d+ s ago$"))
    expect(customer_page.locator("#live-geo")).to_have_attribute("href", "geo:12.949600,77.624500")
    expect(customer_page.locator("#live-osm")).to_have_attribute(
        "href", re.compile(r"^https://www\.openstreetmap\.org/\?mlat=12\.949600&mlon=77\.624500")
    )

    # When Carol's phone moves on, the position follows on the same page
    carol.context.set_geolocation(SECOND_FIX)
    expect(customer_page.locator("#live-coords")).to_have_text(
        "12.939700, 77.624500 (±6 m)", timeout=BATCH_WAIT_MS
    )
    expect(customer_page.locator("#live-distance")).to_have_text("500 m from the request's position")
    customer_page.screenshot(path="/tmp/hs-live-position-phone.png", full_page=True)
    carol.screenshot(path="/tmp/hs-share-location-phone.png", full_page=True)

    # When Carol arrives (her page reloads and goes on sharing), Alice's status follows too
    carol.fill("#start-code", en_route_request.start_code)
    carol.click("button:has-text('I have arrived')")
    expect(carol.locator("#status")).to_have_text("On site")
    expect(carol.locator("#share-toggle")).to_have_text("Stop sharing")
    expect(customer_page.locator("#status")).to_have_text("On site")
    expect(customer_page.locator("#status")).to_have_class("badge status-on_site")
    # Her buttons were for a request en route (cancel): they give way to a reload notice.
    expect(customer_page.locator("#live-notice")).to_contain_text("This request is now on site.")
    expect(customer_page.locator("#actions")).to_be_hidden()
    expect(customer_page.locator("#live-coords")).to_have_text("12.939700, 77.624500 (±6 m)")

    # When Carol completes the job, the position goes from Alice's screen
    carol.fill("input[name=final_price]", "450")
    # Far above the 75.00 estimate: a price change, with the reason (the customer approves it).
    carol.fill("textarea[name=price_reason]", "Tyre and rim replaced.")
    carol.click("button:has-text('Complete the job')")
    expect(customer_page.locator("#status")).to_have_text("Completed")
    expect(customer_page.locator("#live-position")).to_be_hidden()

    assert customer_page.evaluate("window.sameDocument") is True
    points = LocationUpdate.objects.filter(request=en_route_request).order_by("recorded_at")
    assert [(str(p.latitude), str(p.longitude)) for p in points][:2] == [
        ("12.949600", "77.624500"),
        ("12.939700", "77.624500"),
    ]
    # Each point carries the page's own id for it, so a batch sent again would add nothing.
    client_ids = [p.client_id for p in points]
    assert all(client_ids) and len(set(client_ids)) == len(client_ids)
    en_route_request.refresh_from_db()
    assert en_route_request.status == Status.COMPLETED


def test_sharing_stops_when_the_job_is_over(
    asgi_live_server, asgi_logged_in_context, professional, en_route_request
):
    # Given Carol's job page open on her phone, and the job completed from another tab
    carol = professional_page(
        asgi_logged_in_context,
        asgi_live_server,
        professional,
        en_route_request,
        permissions=["geolocation"],
        geolocation=FIRST_FIX,
    )
    other_tab = carol.context.new_page()
    other_tab.goto(carol.url)
    # A job is completed on site: she arrives with the customer's start code first.
    other_tab.fill("#start-code", en_route_request.start_code)
    other_tab.click("button:has-text('I have arrived')")
    expect(other_tab.locator("#status")).to_have_text("On site")
    other_tab.fill("input[name=final_price]", "450")
    other_tab.fill("textarea[name=price_reason]", "Tyre and rim replaced.")
    other_tab.click("button:has-text('Complete the job')")
    expect(other_tab.locator("#status")).to_have_text("Completed")

    # When she turns sharing on in the first tab
    carol.click("#share-toggle")

    # Then the API's 409 stops it and says why
    expect(carol.locator("#share-state")).to_have_text("Sharing stopped: the job is over.")
    expect(carol.locator("#share-error")).to_have_text(
        "Positions are not taken on a request that is completed."
    )
    expect(carol.locator("#share-toggle")).to_have_text("Share my location")
    assert not LocationUpdate.objects.filter(request=en_route_request).exists()


def test_sharing_without_the_location_permission_says_so(
    asgi_live_server, asgi_logged_in_context, professional, en_route_request
):
    carol = professional_page(asgi_logged_in_context, asgi_live_server, professional, en_route_request)

    carol.click("#share-toggle")

    expect(carol.locator("#share-error")).to_contain_text("Location permission denied")
    expect(carol.locator("#share-toggle")).to_have_text("Share my location")
    expect(carol.locator("#share-state")).to_have_text("Not sharing.")


def test_the_customers_page_reconnects_after_the_server_restarts(
    asgi_live_server, asgi_logged_in_context, customer, professional, en_route_request
):
    customer_page = customer_page_following(
        asgi_logged_in_context, asgi_live_server, customer, en_route_request
    )

    # When the server goes away, the page says it lost the connection and keeps trying
    asgi_live_server.stop()
    try:
        customer_page.wait_for_function(
            "document.getElementById('live-connection').textContent.startsWith('Connection lost')"
        )
    finally:
        asgi_live_server.start()

    # Then it comes back on its own, and what happens next reaches it
    expect(customer_page.locator("#live-connection")).to_have_text("Live", timeout=BATCH_WAIT_MS)
    point = {**FIRST_FIX, "recorded_at": timezone.now().isoformat()}
    assert report_as_app(asgi_live_server, professional, en_route_request, point) == 201
    expect(customer_page.locator("#live-coords")).to_have_text("12.949600, 77.624500 (±12 m)")
    assert customer_page.evaluate("window.sameDocument") is True
    assert ServiceRequest.objects.get(pk=en_route_request.pk).status == Status.EN_ROUTE
