"""A late cancellation's fee charged to the card on file, in Chromium: the customer sees what
cancelling costs, confirms, and the page says the fee is being charged; Stripe's signed
webhook (only Stripe's HTTP end is the local stand-in) pays it, and the receipt PDF shows the
fee and that the card on file paid it."""

import io
import json
import urllib.request
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from requests_app.models import PaymentStatus, Status
from requests_app.money.models import StripeCustomer
from tests.browser.conftest import PHONE
from tests.requests_app.factories import request_in_state
from tests.requests_app.stripe_stand_in import StripeStandIn, event, signed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stripe_api(settings):
    with StripeStandIn() as server:
        settings.STRIPE_API_BASE = server.url
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
        return json.loads(response.read())


def test_the_fee_is_charged_to_the_card_on_file_and_shows_on_the_receipt(
    logged_in_context, live_server, customer, professional, service, stripe_api
):
    StripeCustomer.objects.create(user=customer, customer_id="cus_alice", payment_method_id="pm_alice")
    en_route = request_in_state(
        Status.EN_ROUTE, customer=customer, service=service, professional=professional
    )
    page = logged_in_context(customer, viewport=PHONE).new_page()
    page.goto(live_server.url + reverse("requests_app:detail", args=[en_route.pk]))
    assert page.inner_text("#cancel-terms").startswith("Cancelling now costs ₹100.00.")

    page.click("form[action$='/cancel/'] button[type=submit]")
    page.click("#confirm-yes")
    page.wait_for_selector("#cancellation-fee")

    assert page.inner_text("#cancellation-fee") == "₹100.00 (being charged to the card on file)"
    assert page.inner_text("#not-payable") == "The cancellation fee is being charged to your card on file."
    [intent_id] = [i for i in stripe_api.intents if i.startswith("pi_offsession")]

    ack = send_webhook(live_server, event("payment_intent.succeeded", stripe_api.intents[intent_id]))

    assert ack["outcome"] == "Fee paid with the card on file."
    page.reload()
    assert page.inner_text("#cancellation-fee") == "₹100.00 (paid)"
    assert page.inner_text("#payment-status") == "Paid"
    en_route.refresh_from_db()
    assert en_route.payment_status == PaymentStatus.PAID
    with page.expect_download() as download:
        page.click("#receipt-link")
    with open(download.value.path(), "rb") as pdf_file:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_file.read())).pages)
    assert "Cancellation fee 100.00 INR" in text
    assert "Total paid 100.00 INR" in text
    assert "Payment method Card on file (charged off-session)" in text
