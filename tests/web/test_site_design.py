"""The design system reaches every page through base.html; services show as cards by kind; the
booking form shows only its kind's fields with a summary; destructive actions ask first."""

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from householdsvc.core.api import server_error
from requests_app import services

pytestmark = pytest.mark.django_db

NEW_URL = reverse("requests_app:new")


def fieldset(body: str, fieldset_id: str) -> str:
    match = re.search(rf'<fieldset id="{fieldset_id}"[^>]*>', body)
    assert match, f"no fieldset #{fieldset_id}"
    return match.group(0)


@pytest.mark.parametrize("path", ["/", "/services/", "/accounts/login/", "/accounts/signup/"])
def test_every_page_uses_the_stylesheet_favicon_and_brand(client, path):
    body = client.get(path).content.decode()

    assert '<link rel="stylesheet" href="/static/site/site.css">' in body
    assert '<link rel="icon" href="/favicon.svg" type="image/svg+xml">' in body
    assert 'class="brand"' in body
    assert "<style" not in body  # no page carries colours of its own


def test_the_favicon_is_an_svg_icon_from_the_lucide_package(client):
    response = client.get("/favicon.svg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    body = response.content.decode()
    assert body.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert '<rect width="32" height="32" rx="8" fill="#0b7a75"/>' in body
    assert '<path d="M14.7 6.3a1 1 0 0 0 0 1.4l1.6 1.6' in body  # Lucide's wrench
    assert client.get("/favicon.ico").headers["Location"] == "/favicon.svg"


def test_the_stylesheet_follows_the_system_dark_mode(client):
    from django.contrib.staticfiles import finders

    with open(finders.find("site/site.css"), encoding="utf-8") as stylesheet:
        css = stylesheet.read()

    assert "@media (prefers-color-scheme: dark)" in css
    for component in (".btn", ".card", ".badge.status-cancelled", ".messages li", ".empty", "dialog.confirm"):
        assert component in css


def test_home_and_catalogue_show_services_as_cards_by_kind(client, service, dispatch_service):
    for path in ("/", "/services/"):
        body = client.get(path).content.decode()

        assert body.count('class="service-card"') == 2
        order = [body.index(text) for text in ("At your home", "Deep cleaning", "Roadside and", "Flat tyre")]
        assert order == sorted(order)
        assert "from ₹40.00" in body and "from ₹75.00" in body
        assert "about 1 h" in body


def test_the_catalogue_kind_choice_has_a_named_blank(client):
    body = client.get("/services/").content.decode()

    assert "---------" not in body
    assert '<option value="" selected>Any kind</option>' in body


def test_an_empty_catalogue_says_so(client):
    body = client.get("/services/", {"search": "nothing like this"}).content.decode()

    assert '<div class="empty">' in body and "No service matches." in body


def test_booking_a_household_job_shows_address_and_time_only(web_client, customer, service):
    body = web_client(customer).get(NEW_URL, {"service": service.pk}).content.decode()

    assert "hidden" not in fieldset(body, "where-home")
    assert fieldset(body, "where-position").endswith("hidden disabled>")
    start = body.index('id="booking-summary"')
    summary = body[start : body.index("</dl>", start)]
    assert "hidden" not in summary.split(">")[0]
    assert "Deep cleaning" in summary and "₹40.00" in summary and "1 h" in summary


def test_booking_roadside_help_shows_position_and_vehicle_only(web_client, customer, dispatch_service):
    body = web_client(customer).get(NEW_URL, {"service": dispatch_service.pk}).content.decode()

    assert fieldset(body, "where-home").endswith("hidden disabled>")
    assert "hidden" not in fieldset(body, "where-position")
    assert "₹75.00" in body


def test_booking_with_no_service_chosen_shows_both_kinds_and_no_summary(web_client, customer, service):
    body = web_client(customer).get(NEW_URL).content.decode()

    assert "hidden" not in fieldset(body, "where-home")
    assert "hidden" not in fieldset(body, "where-position")
    assert '<div class="summary" id="booking-summary" aria-live="polite" hidden>' in body
    # The options carry what the script needs to switch kinds and fill the summary.
    option = f'<option value="{service.pk}" data-kind="at_address" data-price="₹40.00" data-duration="1 h">'
    assert option in body


def test_cancel_and_turn_down_ask_before_they_are_sent(web_client, customer, service):
    service_request = services.service_request_create(
        customer=customer, service=service, description="Clean", address="1 Road", pin_code="560001"
    )

    page = web_client(customer).get(reverse("requests_app:detail", args=[service_request.pk]))

    body = page.content.decode()
    question = f"Cancel request #{service_request.pk} (Deep cleaning)? This cannot be undone."
    assert f'data-confirm="{question}"' in body
    assert '<dialog class="confirm" id="confirm-dialog"' in body


# --- Errors in the site's look (JSON under /api/) ---------------------------------------------


def test_a_missing_page_is_the_sites_404(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "/static/site/site.css" in body


def test_a_missing_api_path_stays_json(client):
    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}


def test_a_forbidden_page_is_the_sites_403(web_client, professional):
    response = web_client(professional).get(NEW_URL)

    assert response.status_code == 403
    body = response.content.decode()
    assert "Not allowed" in body and "/static/site/site.css" in body


def test_a_bad_host_is_the_sites_400(client):
    response = client.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


def test_a_server_error_is_the_sites_500_and_json_under_the_api():
    page = server_error(RequestFactory().get("/requests/1/"))
    api = server_error(RequestFactory().get("/api/v1/requests/1/"))

    assert page.status_code == 500
    assert "Something went wrong" in page.content.decode()
    assert api.status_code == 500
    assert api["Content-Type"] == "application/json"
