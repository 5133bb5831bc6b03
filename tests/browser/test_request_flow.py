"""A customer books, a professional accepts, the customer sees it, in a real browser."""

import pytest
from django.urls import reverse

from requests_app.models import ServiceRequest, Status
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    page.goto(live_server.url + reverse("accounts:login"))
    # By label: the form calls its email field "username" (Django's AuthenticationForm).
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_label("Password").press("Enter")
    assert reverse("accounts:login") not in page.url, page.content()


def test_a_customer_books_and_sees_the_professional_who_accepts(
    new_context, live_server, customer, professional, service
):
    customer_page = new_context(viewport=PHONE).new_page()
    log_in(customer_page, live_server, customer)

    # Given a customer who books a cleaning at their home (prefilled from their profile)
    customer_page.goto(live_server.url + reverse("requests_app:new"))
    assert customer_page.input_value("textarea[name=address]") == customer.customer_profile.address
    customer_page.select_option("select[name=service]", str(service.pk))
    customer_page.fill("textarea[name=description]", "Spring clean, three rooms")
    customer_page.click("text=Send request")
    customer_page.wait_for_selector("#status")
    service_request = ServiceRequest.objects.get()
    assert customer_page.inner_text("#status") == "Requested"
    customer_page.goto(live_server.url + reverse("requests_app:list"))
    assert "Spring clean, three rooms" in customer_page.inner_text("main")

    # When a professional logs in elsewhere and accepts the offer
    professional_page = new_context().new_page()
    log_in(professional_page, live_server, professional)
    professional_page.goto(live_server.url + reverse("requests_app:offers"))
    professional_page.click("text=Spring clean, three rooms")
    professional_page.click("button:has-text('Accept')")
    professional_page.wait_for_selector("text=You accepted the job")
    assert professional_page.inner_text("#status") == "Assigned"

    # Then the customer, reloading, sees who is coming
    customer_page.goto(live_server.url + reverse("requests_app:detail", args=[service_request.pk]))
    assert customer_page.inner_text("#status") == "Assigned"
    assert professional.full_name in customer_page.inner_text("#professional")
    customer_page.screenshot(path="/tmp/hs-request-assigned-phone.png", full_page=True)
    service_request.refresh_from_db()
    assert service_request.status == Status.ASSIGNED and service_request.professional == professional


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_my_requests_fits_a_phone_screen(logged_in_context, live_server, customer, service, dispatch_service):
    from requests_app import services

    for n in range(3):
        newest = services.service_request_create(
            customer=customer,
            service=service,
            # One unbroken 70-character word: it must wrap, not push the page sideways.
            description=f"Job {n}: " + "x" * 70,
            address="Flat 12, A Building With A Long Name, 1 Somewhere Road",
            pin_code="560001",
        )
    page = logged_in_context(
        customer,
        viewport=PHONE,
        geolocation={"latitude": 12.9352, "longitude": 77.6245},
        permissions=["geolocation"],
    ).new_page()

    page.goto(live_server.url + reverse("requests_app:list"))

    assert page.locator(".req-list li").count() == 3
    assert fits_the_screen(page), page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    page.screenshot(path="/tmp/hs-my-requests-phone.png", full_page=True)
    # The request's own page and the booking form fit too.
    page.goto(live_server.url + reverse("requests_app:detail", args=[newest.pk]))
    assert fits_the_screen(page)
    page.screenshot(path="/tmp/hs-request-phone.png", full_page=True)
    page.goto(live_server.url + reverse("requests_app:new"))
    assert fits_the_screen(page)
    page.screenshot(path="/tmp/hs-new-request-phone.png", full_page=True)

    # Roadside help is booked to where the phone is: "Use my location" fills the position.
    page.select_option("select[name=service]", str(dispatch_service.pk))
    page.fill("textarea[name=description]", "Flat tyre")
    page.click("text=Use my location")
    page.wait_for_selector("text=Location filled in.")
    assert page.input_value("input[name=latitude]") == "12.935200"
    page.click("text=Send request")
    page.wait_for_selector("#status")
    roadside = ServiceRequest.objects.get(service=dispatch_service)
    assert (str(roadside.latitude), str(roadside.longitude)) == ("12.935200", "77.624500")
