"""Price before booking and price changes: the estimate and its parts are the server's, shown
before confirming and stored on the request; a final price more than the tolerance above it
waits for the customer, and a declined one for an admin; nothing is payable meanwhile."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from householdsvc.core.errors import Conflict
from requests_app import payments, services
from requests_app.models import Action, RequestEvent, ServiceRequest, Status
from requests_app.money import checkout, price_changes
from requests_app.money.models import PriceChange

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tolerance(settings):
    settings.PRICE_TOLERANCE_PERCENT = Decimal("10")


@pytest.fixture
def on_site(in_state):
    """Alice's cleaning (estimate 40.00), Carol on site."""
    return in_state(Status.ON_SITE, estimate_parts=[{"label": "Base price", "amount": "40.00"}])


def price_notes(service_request):
    return list(
        RequestEvent.objects.filter(request=service_request, action=Action.PRICE).values_list(
            "note", flat=True
        )
    )


def complete(client, service_request, **body):
    return client.post(f"/api/v1/requests/{service_request.pk}/complete/", body, format="json")


# --- The estimate ---------------------------------------------------------------------------


def test_the_estimate_and_its_parts_are_stored_on_the_request_not_taken_from_the_client(
    client_for, customer, service
):
    response = client_for(customer).post(
        "/api/v1/requests/",
        {"service": service.pk, "description": "Two rooms", "price_estimate": "1.00"},
        format="json",
    )

    assert response.status_code == 201, response.content
    created = ServiceRequest.objects.get(pk=response.json()["id"])
    assert created.price_estimate == Decimal("40.00")
    assert created.estimate_parts == [{"label": "Base price", "amount": "40.00"}]


def test_the_estimate_api_shows_the_parts_before_booking(client_for, customer, service):
    response = client_for(customer).get(f"/api/v1/price-estimate/?service={service.pk}")

    assert response.status_code == 200, response.content
    assert response.json() == {
        "service": service.pk,
        "currency": "INR",
        "total": "40.00",
        "parts": [{"label": "Base price", "amount": "40.00"}],
    }


def test_the_estimate_api_refuses_an_unknown_service_and_a_half_position(client_for, customer, service):
    client = client_for(customer)

    unknown = client.get("/api/v1/price-estimate/?service=999999")
    half = client.get(f"/api/v1/price-estimate/?service={service.pk}&latitude=12.9")

    assert (unknown.status_code, unknown.json()["errors"]) == (
        400,
        {"service": ["Choose a service from the catalogue."]},
    )
    assert (half.status_code, half.json()["errors"]) == (
        400,
        {"longitude": ["Give latitude and longitude together."]},
    )


def test_the_booking_page_has_the_estimate_panel(customer):
    browser = Client()
    browser.force_login(customer)

    page = browser.get(reverse("requests_app:new")).content.decode()

    assert 'id="estimate"' in page
    assert "/api/v1/price-estimate/" in page


def test_the_request_price_api_shows_estimate_final_price_and_payability(client_for, customer, in_state):
    completed = in_state(Status.COMPLETED, estimate_parts=[{"label": "Base price", "amount": "40.00"}])

    body = client_for(customer).get(f"/api/v1/requests/{completed.pk}/price/").json()

    assert body == {
        "request_id": completed.pk,
        "currency": "INR",
        "estimate": "40.00",
        "estimate_parts": [{"label": "Base price", "amount": "40.00"}],
        "tolerance_percent": "10.00",
        "final_price": "45.00",
        "price_change": None,
        "payment_status": "unpaid",
        "payable": True,
        "why_not_payable": "",
        "receipt_number": None,
    }


def test_another_customer_gets_404_for_the_price(client_for, other_customer, on_site):
    response = client_for(other_customer).get(f"/api/v1/requests/{on_site.pk}/price/")

    assert response.status_code == 404


# --- The price change -----------------------------------------------------------------------


def test_a_final_price_within_the_tolerance_needs_no_approval(client_for, professional, on_site):
    response = complete(client_for(professional), on_site, final_price="44.00")

    assert response.status_code == 200, response.content
    assert not PriceChange.objects.exists()
    assert price_notes(on_site) == []


def test_above_the_tolerance_the_professional_must_give_a_reason(client_for, professional, on_site):
    response = complete(client_for(professional), on_site, final_price="65.00")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["price_reason"]
    on_site.refresh_from_db()
    assert (on_site.status, on_site.final_price) == (Status.ON_SITE, None)
    assert not PriceChange.objects.exists()


def test_above_the_tolerance_a_price_change_waits_for_the_customer(
    client_for, professional, customer, on_site
):
    reason = "The pipe behind the wall was cracked."
    response = complete(client_for(professional), on_site, final_price="65.00", price_reason=reason)

    assert response.status_code == 200, response.content
    change = PriceChange.objects.get(request=on_site)
    assert (change.status, change.estimate, change.proposed_price) == (
        "pending",
        Decimal("40.00"),
        Decimal("65.00"),
    )
    assert price_notes(on_site) == [
        "Price change proposed: 40.00 → 65.00 INR. Reason: The pipe behind the wall was cracked."
    ]
    price = client_for(customer).get(f"/api/v1/requests/{on_site.pk}/price/").json()
    assert price["payable"] is False
    assert price["why_not_payable"] == "The final price waits for the customer's approval."
    assert price["price_change"]["reason"] == "The pipe behind the wall was cracked."


@pytest.fixture
def repriced(professional, on_site):
    services.service_request_complete(
        request_id=on_site.pk, professional=professional, final_price="65.00", price_reason="Cracked pipe."
    )
    return on_site


def test_nothing_is_payable_while_the_price_waits(client_for, customer, repriced):
    client = client_for(customer)

    app_pay = client.post(f"/api/v1/requests/{repriced.pk}/pay/")
    web_pay = client.post(f"/api/v1/requests/{repriced.pk}/checkout/", {}, format="json")

    assert (app_pay.status_code, app_pay.json()["code"]) == (409, "price_not_approved")
    assert (web_pay.status_code, web_pay.json()["code"]) == (409, "price_not_approved")


def test_the_customer_approves_and_it_becomes_payable(client_for, customer, repriced):
    response = client_for(customer).post(f"/api/v1/requests/{repriced.pk}/price-change/approve/")

    assert response.status_code == 200, response.content
    assert response.json()["payable"] is True
    assert response.json()["price_change"]["status"] == "approved"
    assert price_notes(repriced)[-1] == "Price change approved: 65.00 INR."
    event = RequestEvent.objects.filter(request=repriced, action=Action.PRICE).last()
    assert event.actor == customer


def test_approving_twice_is_a_409(client_for, customer, repriced):
    client = client_for(customer)
    client.post(f"/api/v1/requests/{repriced.pk}/price-change/approve/")

    again = client.post(f"/api/v1/requests/{repriced.pk}/price-change/approve/")

    assert (again.status_code, again.json()["code"]) == (409, "price_change_decided")


def test_only_the_customer_approves(client_for, professional, other_customer, repriced):
    by_professional = client_for(professional).post(f"/api/v1/requests/{repriced.pk}/price-change/approve/")
    by_stranger = client_for(other_customer).post(f"/api/v1/requests/{repriced.pk}/price-change/approve/")

    assert (by_professional.status_code, by_professional.json()["code"]) == (403, "not_allowed")
    assert by_stranger.status_code == 404


def test_declined_it_goes_to_an_admin_who_settles_it(client_for, customer, admin_user, repriced):
    declined = client_for(customer).post(
        f"/api/v1/requests/{repriced.pk}/price-change/decline/", {"note": "Nobody told me."}, format="json"
    )
    assert declined.status_code == 200, declined.content
    assert declined.json()["why_not_payable"] == (
        "The customer declined the final price; an admin will settle it."
    )
    with pytest.raises(Conflict) as blocked:
        checkout.ensure_payable(ServiceRequest.objects.get(pk=repriced.pk), customer)
    assert blocked.value.code == "price_disputed"

    settled = client_for(admin_user).post(
        f"/api/v1/requests/{repriced.pk}/price-change/settle/", {"price": "50.00"}, format="json"
    )

    assert settled.status_code == 200, settled.content
    assert (settled.json()["final_price"], settled.json()["payable"]) == ("50.00", True)
    assert price_notes(repriced) == [
        "Price change proposed: 40.00 → 65.00 INR. Reason: Cracked pipe.",
        "Price change declined; an admin will settle it. Nobody told me.",
        "Price settled by an admin at 50.00 INR.",
    ]


def test_an_admin_cannot_settle_a_pending_change_nor_above_the_proposed_price(
    client_for, customer, admin_user, repriced
):
    admin = client_for(admin_user)
    url = f"/api/v1/requests/{repriced.pk}/price-change/settle/"
    pending = admin.post(url, {"price": "50"}, format="json")
    price_changes.price_change_decline(request_id=repriced.pk, customer=customer)

    too_high = admin.post(url, {"price": "70"}, format="json")
    by_customer = client_for(customer).post(
        f"/api/v1/requests/{repriced.pk}/price-change/settle/", {"price": "50"}, format="json"
    )

    assert (pending.status_code, pending.json()["code"]) == (409, "price_change_not_declined")
    assert (too_high.status_code, list(too_high.json()["errors"])) == (400, ["price"])
    assert (by_customer.status_code, by_customer.json()["code"]) == (403, "not_allowed")


def test_the_page_shows_the_reason_and_the_customer_approves_there(customer, repriced):
    browser = Client()
    browser.force_login(customer)
    detail = reverse("requests_app:detail", args=[repriced.pk])

    page = browser.get(detail).content.decode()
    assert "Cracked pipe." in page and "Approve the new price" in page
    browser.post(reverse("requests_app:price-approve", args=[repriced.pk]))

    assert PriceChange.objects.get(request=repriced).status == "approved"
    page = browser.get(detail).content.decode()
    assert "Approve the new price" not in page
    assert 'id="pay-form"' in page


def test_payment_start_refuses_an_unapproved_price_without_calling_stripe(customer, repriced):
    with pytest.raises(Conflict) as refused:
        payments.payment_start(request_id=repriced.pk, customer=customer)

    assert refused.value.code == "price_not_approved"


def test_the_product_default_tolerance_is_10_percent_and_the_suite_widens_it_to_60():
    """The suite's settings (householdsvc/settings/test.py) set 60% so that the other apps' 40.00
    jobs completed at up to 62.50 meet no price change; every money test sets 10% (this module's
    autouse fixture), the product's default, to exercise the approval."""
    from householdsvc.settings import product

    default = product.PRICE_TOLERANCE_PERCENT
    assert default == Decimal("10")


def test_at_the_product_tolerance_the_web_completion_asks_for_a_reason_then_blocks_pay(
    professional, customer, on_site
):
    """What the suite's 60% would hide: at the default 10%, the other suites' 62.50 completion
    on the web needs a reason, and then the customer cannot pay before approving."""
    pro = Client()
    pro.force_login(professional)
    url = reverse("requests_app:complete", args=[on_site.pk])

    refused = pro.post(url, {"final_price": "62.50"}, follow=True)

    assert refused.status_code == 200
    assert "say why, and the customer will be asked to approve it" in refused.content.decode()
    on_site.refresh_from_db()
    assert on_site.status == Status.ON_SITE

    done = pro.post(url, {"final_price": "62.50", "price_reason": "Two taps, not one."}, follow=True)

    assert done.status_code == 200
    on_site.refresh_from_db()
    assert (on_site.status, on_site.price_change.status) == (Status.COMPLETED, "pending")
    browser = Client()
    browser.force_login(customer)
    page = browser.get(reverse("requests_app:detail", args=[on_site.pk])).content.decode()
    assert "Two taps, not one." in page
    assert 'id="pay-form"' not in page
