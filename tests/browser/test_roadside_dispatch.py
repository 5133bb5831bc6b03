"""The roadside flow end to end in Chromium, on the real ASGI app (HTTP and WebSockets) and
channels-redis: a stranded customer books help at her position, the two nearest operators see
the offer arrive live on their offers pages with distance, estimate and a countdown, the first
accepts (the other's card goes), sets off, is told the start code by the customer, arrives
with it, and completes."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from requests_app.models import Offer, ServiceRequest, Status
from tests.accounts.factories import ProfessionalFactory
from tests.browser.conftest import PHONE

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


def test_a_roadside_request_is_offered_live_accepted_and_worked_with_the_start_code(
    asgi_live_server, asgi_logged_in_context, customer, dispatch_service, operators
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

    # He sets off; Alice reads him her start code; a wrong one is refused, hers lets him arrive
    ravi_page.click("button:has-text('Start: on my way')")
    expect(ravi_page.locator("#status")).to_have_text("En route")
    alice.reload()
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

    service_request.refresh_from_db()
    assert (service_request.status, service_request.professional) == (Status.COMPLETED, ravi)
