"""Money end to end in Chromium: a customer books and sees the estimate, the professional
completes above the tolerance with a reason, the customer approves, tips, presses Pay and lands
on the Stripe stand-in's Checkout page; Stripe's signed webhook marks it paid, and the receipt
PDF downloads with the right lines (read back with pypdf)."""

import copy
import io
import urllib.request
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from requests_app.models import PaymentStatus, ServiceRequest
from tests.browser.conftest import PHONE
from tests.requests_app.stripe_stand_in import StripeStandIn, event, signed
from tests.requests_app.stripe_stand_in_checkout import completed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stripe_api(settings):
    with StripeStandIn() as server:
        settings.STRIPE_API_BASE = server.url
        # The stand-in's hosted page stands in for checkout.stripe.com in the form-action policy.
        policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
        policy["DIRECTIVES"]["form-action"] = [*policy["DIRECTIVES"]["form-action"], server.url]
        settings.CONTENT_SECURITY_POLICY = policy
        settings.PRICE_TOLERANCE_PERCENT = Decimal("10")
        settings.PLATFORM_COMMISSION_PERCENT = Decimal("15")
        yield server


def send_webhook(live_server, stripe_event) -> dict:
    payload, header = signed(stripe_event)
    request = urllib.request.Request(
        live_server.url + "/api/v1/payments/stripe/webhook/",
        data=payload.encode(),
        headers={"Content-Type": "application/json", "Stripe-Signature": header},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        import json

        return json.loads(response.read())


def test_price_approval_checkout_webhook_and_receipt(
    logged_in_context, live_server, customer, professional, service, stripe_api
):
    customer_page = logged_in_context(customer, viewport=PHONE).new_page()

    # The customer sees the estimate and its parts before sending the booking.
    customer_page.goto(live_server.url + reverse("requests_app:new"))
    customer_page.select_option("select[name=service]", str(service.pk))
    expect(customer_page.locator("#estimate-total")).to_contain_text("40.00")
    assert customer_page.inner_text("#estimate-parts") == "Base price\n40.00 INR"
    customer_page.fill("textarea[name=description]", "Kitchen sink leaks")
    customer_page.click("text=Send request")
    customer_page.wait_for_selector("#status")
    service_request = ServiceRequest.objects.get()
    assert customer_page.inner_text("#price-estimate") == "₹40.00"

    # The professional takes it and completes it above the tolerance, saying why.
    pro_page = logged_in_context(professional).new_page()
    pro_page.goto(live_server.url + reverse("requests_app:detail", args=[service_request.pk]))
    for button, done in (
        ("Accept", "You accepted the job"),
        ("Start: on my way", "On your way"),
        ("I have arrived", "Marked as arrived."),
    ):
        if button == "I have arrived":  # the customer's start code, as they would tell it
            service_request.refresh_from_db()
            pro_page.fill("input[name=start_code]", service_request.start_code)
        pro_page.click(f"button:has-text('{button}')")
        pro_page.wait_for_selector(f"text={done}")
    pro_page.fill("input[name=final_price]", "65.00")
    pro_page.fill("textarea[name=price_reason]", "The pipe behind the wall was cracked.")
    pro_page.click("button:has-text('Complete the job')")
    pro_page.wait_for_selector("text=The job is complete.")

    # The customer reads the reason, approves, adds a tip and pays.
    customer_page.goto(live_server.url + reverse("requests_app:detail", args=[service_request.pk]))
    assert "The pipe behind the wall was cracked." in customer_page.inner_text("#price-change")
    assert customer_page.locator("#pay-form").count() == 0
    customer_page.click("button:has-text('Approve the new price')")
    customer_page.wait_for_selector("text=You approved the new price.")
    customer_page.fill("#tip", "5")
    customer_page.click("#pay-form button")
    customer_page.wait_for_selector("text=Stripe Checkout stand-in")
    assert customer_page.url.startswith(stripe_api.url + "/checkout/cs_test")
    assert customer_page.inner_text("#amount") == "70.00 INR"
    session_id = customer_page.inner_text("#session")

    # Stripe reports the payment through the signed webhook; the customer comes back.
    ack = send_webhook(live_server, event("checkout.session.completed", completed(stripe_api, session_id)))
    assert ack["outcome"] == "Marked paid."
    customer_page.click("#back")
    customer_page.wait_for_selector("#receipt-link")
    assert customer_page.inner_text("#payment-status") == "Paid (tip ₹5.00)"
    service_request.refresh_from_db()
    assert service_request.payment_status == PaymentStatus.PAID

    # The receipt downloads, with the right lines.
    with customer_page.expect_download() as download:
        customer_page.click("#receipt-link")
    with open(download.value.path(), "rb") as pdf_file:
        content = pdf_file.read()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    receipt_code = service_request.receipt.code
    assert download.value.suggested_filename == f"receipt-{receipt_code}.pdf"
    assert f"Receipt {receipt_code}" in text
    assert f"Deep cleaning, request #{service_request.pk}" in text
    assert "Estimate: Base price 40.00 INR" in text
    assert "Price change (approved by the customer) 65.00 INR" in text
    assert "Reason: The pipe behind the wall was cracked." in text
    assert "Service price 65.00 INR" in text
    assert "Tip (all to the professional) 5.00 INR" in text
    assert "Total paid 70.00 INR" in text
    assert "Payment method Card (Stripe)" in text
    customer_page.screenshot(path="/tmp/hs-money-paid-phone.png", full_page=True)
