"""A customer and a professional, each in their own browser, write to each other on the
request page; each message appears live on the other side and the other's bell count rises,
over the real ASGI app (HTTP and WebSocket, channels-redis)."""

import pytest
from playwright.sync_api import expect

from requests_app.models import Status
from tests.browser.conftest import PHONE
from tests.requests_app.factories import request_in_state

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_sides_exchange_messages_and_see_the_bell_rise_live(
    asgi_logged_in_context, asgi_live_server, customer, professional, service
):
    service_request = request_in_state(
        Status.ASSIGNED, professional=professional, customer=customer, service=service
    )
    page_url = f"{asgi_live_server.url}/requests/{service_request.pk}/"

    alice = asgi_logged_in_context(customer, viewport=PHONE).new_page()
    carol = asgi_logged_in_context(professional).new_page()
    alice.goto(page_url)
    carol.goto(page_url)
    expect(alice.locator("#bell-count")).to_have_text("0")
    expect(carol.locator("#bell-count")).to_have_text("0")
    # Both sockets are open before anybody writes (the bell's first count comes over it).
    alice.wait_for_function("document.getElementById('bell-count').dataset.live === '1'")
    carol.wait_for_function("document.getElementById('bell-count').dataset.live === '1'")

    # When Alice writes
    alice.fill("#message-body", "Hello Carol, the gate code is 4321.")
    alice.click("#message-form button[type=submit]")
    expect(alice.locator("#message-list .message.mine .body")).to_have_text(
        ["Hello Carol, the gate code is 4321."]
    )

    # Then Carol sees it without reloading, and her bell says 1
    expect(carol.locator("#message-list .message .body")).to_have_text(
        ["Hello Carol, the gate code is 4321."]
    )
    expect(carol.locator("#bell-count")).to_have_text("1")

    # And when Carol answers, Alice sees it and her bell rises
    carol.fill("#message-body", "Thanks, on my way at 10.")
    carol.click("#message-form button[type=submit]")
    expect(alice.locator("#message-list .message .body")).to_have_text(
        ["Hello Carol, the gate code is 4321.", "Thanks, on my way at 10."]
    )
    expect(alice.locator("#bell-count")).to_have_text("1")

    # A message over 2,000 characters is refused with the reason, and nothing is shown
    alice.evaluate("document.getElementById('message-body').removeAttribute('maxlength')")
    alice.fill("#message-body", "x" * 2001)
    alice.click("#message-form button[type=submit]")
    expect(alice.locator("#message-error")).to_contain_text("2000")
    expect(carol.locator("#message-list .message")).to_have_count(2)

    # Phones stay private: neither page shows the other's number
    assert professional.phone not in alice.content()
    assert professional.professional_profile.contact_phone not in alice.content()
    assert customer.phone not in carol.content()
    alice.screenshot(path="/tmp/hs-messages-phone.png", full_page=True)
