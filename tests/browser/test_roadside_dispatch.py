"""The whole roadside flow in Chromium, on the real ASGI app (HTTP and WebSockets) and
channels-redis: a stranded customer books help at her position, the two nearest operators see
the offer arrive live on their offers pages (two browser contexts) with distance, estimate and
a countdown, the first accepts (the other's card goes) and sets off; the customer makes a
tracking link and watches his marker move and the ETA on her map; a friend opens the link in a
fresh browser without logging in and sees the map; the operator is told the start code by the
customer, arrives with it and completes; the friend's link then answers 410."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from requests_app.models import Offer, ServiceRequest, Status
from tests.accounts.factories import ProfessionalFactory
from tests.browser.conftest import PHONE
from tests.browser.test_live_tracking import report_as_app

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BREAKDOWN = ("12.971600", "77.594600")


@pytest.fixture
def operators(dispatch_service, settings):
    settings.DISPATCH_BATCH = 2
    settings.DISPATCH_OFFER_SECONDS = 120
    return [
        ProfessionalFactory(
            full_name=name,
            email=f"{name.split()[0].lower()}@example.com",
            professional_profile__service=dispatch_service,
            professional_profile__current_latitude=Decimal(BREAKDOWN[0]) + Decimal(hundredths) / 100,
            professional_profile__current_longitude=Decimal(BREAKDOWN[1]),
            professional_profile__position_updated_at=timezone.now(),
        )
        for name, hundredths in [("Ravi Near", 1), ("Sita Next", 2), ("Tom Third", 3)]
    ]


def test_the_whole_roadside_flow_from_booking_to_the_shared_links_410(
    asgi_live_server, asgi_logged_in_context, new_context, customer, dispatch_service, operators
):
    server = asgi_live_server.url
    ravi, sita, _ = operators
    offer_pages = []
    for operator in (ravi, sita):
        page = asgi_logged_in_context(operator, viewport=PHONE).new_page()
        page.goto(server + reverse("requests_app:offers"))
        expect(page.locator("#offers-live-status")).to_have_text("Live")
        offer_pages.append(page)
    ravi_page, sita_page = offer_pages

    # Alice books roadside help where she stands
    alice = asgi_logged_in_context(customer, viewport=PHONE).new_page()
    alice.goto(server + reverse("requests_app:new"))
    alice.fill("input[name=latitude]", BREAKDOWN[0])
    alice.fill("input[name=longitude]", BREAKDOWN[1])
    alice.select_option("select[name=service]", str(dispatch_service.pk))
    alice.fill("textarea[name=description]", "Flat tyre on the ring road")
    # The quote before she confirms: the estimate and the nearest operator's ETA
    expect(alice.locator("#quote")).to_have_text(
        "Estimate: INR 75.00 (nearest professional 1.11 km away, about 3 min)"
    )
    alice.click("text=Send request")
    expect(alice.locator("#status")).to_have_text("Requested")
    service_request = ServiceRequest.objects.get()

    # Both nearest operators see it arrive, without reloading, with distance, estimate, countdown
    for page, distance in ((ravi_page, "1.11 km away"), (sita_page, "2.22 km away")):
        card = page.locator(f"li[data-request-id='{service_request.pk}']")
        expect(card).to_contain_text("Flat tyre on the ring road")
        expect(card).to_contain_text(distance)
        expect(card).to_contain_text("estimate INR 75.00")
        expect(card.locator(".countdown")).to_have_text(re.compile(r"^[12]:\d\d left$"))
    assert sorted(Offer.objects.values_list("professional__full_name", flat=True)) == [
        "Ravi Near",
        "Sita Next",
    ]

    # Ravi accepts from his card; Sita's card goes
    ravi_page.locator(f"li[data-request-id='{service_request.pk}'] button:has-text('Accept')").click()
    expect(ravi_page.locator("#status")).to_have_text("Assigned")
    expect(sita_page.locator(f"li[data-request-id='{service_request.pk}']")).to_have_count(0)

    # He sets off (ten minutes ago, for the ETA's sake)
    ravi_page.click("button:has-text('Start: on my way')")
    expect(ravi_page.locator("#status")).to_have_text("En route")
    set_off = timezone.now() - timedelta(minutes=10)
    ServiceRequest.objects.filter(pk=service_request.pk).update(started_at=set_off)

    # Alice makes a tracking link and follows him on her map
    alice.reload()
    alice.click("#tracking-link-new")
    link = alice.locator(".tracking-link-url").first.input_value()
    assert link.startswith(server + "/track/")
    expect(alice.locator("#live-connection")).to_have_text("Live")
    expect(alice.locator("#live-map.leaflet-container")).to_be_visible()
    alice.evaluate("window.sameDocument = true")

    def fix(minutes, latitude):
        moment = set_off + timedelta(minutes=minutes)
        return {"latitude": latitude, "longitude": 77.5946, "recorded_at": moment.isoformat()}

    # His phone reports 3.3 km north, then 1.1 km north two minutes later: the marker moves,
    # the trail grows, the ETA shrinks, all on the page she already had open
    assert report_as_app(asgi_live_server, ravi, service_request, fix(6, 13.0016)) == 201
    expect(alice.locator("#live-map")).to_have_attribute("data-professional", "13.001600,77.594600")
    expect(alice.locator("#live-eta")).to_have_text(re.compile(r"^Arriving in about \d+ min \(\d\d:\d\d\)$"))
    first_eta = int(re.search(r"about (\d+) min", alice.locator("#live-eta").inner_text()).group(1))
    assert report_as_app(asgi_live_server, ravi, service_request, fix(8, 12.9816)) == 201
    expect(alice.locator("#live-map")).to_have_attribute("data-professional", "12.981600,77.594600")
    expect(alice.locator("#live-map")).to_have_attribute("data-trail", "2")
    expect(alice.locator("#live-eta")).not_to_have_text(f"Arriving in about {first_eta} min", timeout=5_000)
    later_eta = int(re.search(r"about (\d+) min", alice.locator("#live-eta").inner_text()).group(1))
    assert later_eta < first_eta
    assert alice.evaluate("window.sameDocument") is True

    # A friend opens the link in a fresh browser, without an account: the map, his marker
    friend = new_context(viewport=PHONE).new_page()
    assert friend.goto(link).status == 200
    expect(friend.locator("#live-map.leaflet-container")).to_be_visible()
    expect(friend.locator("#live-map")).to_have_attribute("data-professional", "12.981600,77.594600")
    expect(friend.locator("#live-eta")).to_have_text(re.compile(r"^Arriving in about \d+ min "))
    assert customer.email not in friend.content()

    # Alice reads him her start code; a wrong one is refused, hers lets him arrive
    code = alice.locator("#start-code-value").inner_text()
    assert code == ServiceRequest.objects.get().start_code
    ravi_page.fill("#start-code", "9999" if code != "9999" else "0000")
    ravi_page.click("button:has-text('I have arrived')")
    expect(ravi_page.locator("main")).to_contain_text("That is not the customer's start code.")
    ravi_page.fill("#start-code", code)
    ravi_page.click("button:has-text('I have arrived')")
    expect(ravi_page.locator("#status")).to_have_text("On site")

    ravi_page.fill("input[name=final_price]", "80")
    ravi_page.click("button:has-text('Complete the job')")
    expect(ravi_page.locator("#status")).to_have_text("Completed")
    expect(alice.locator("#status")).to_have_text("Completed")
    ravi_page.screenshot(path="/tmp/hs-roadside-completed-phone.png", full_page=True)

    # The friend's open page says the job is over, and the link now answers 410
    expect(friend.locator("#shared-state")).to_have_text(
        "This tracking link no longer works: the job is over.", timeout=15_000
    )
    assert friend.goto(link).status == 410

    service_request.refresh_from_db()
    assert (service_request.status, service_request.professional) == (Status.COMPLETED, ravi)
