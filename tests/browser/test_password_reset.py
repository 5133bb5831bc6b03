"""Forgot password in a real browser: the link from the outbox, a new password, and the
session that was open elsewhere has ended."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.factories import PASSWORD
from tests.browser.test_request_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "my-new-garden-gate-7"


def test_forgot_password_link_new_password_and_the_old_session_ends(new_context, live_server, customer):
    # Given Alice logged in on her laptop
    laptop = new_context().new_page()
    log_in(laptop, live_server, customer)
    laptop.goto(live_server.url + reverse("accounts:profile"))
    assert laptop.url.endswith(reverse("accounts:profile"))

    # When, on her phone, she forgets her password and asks for a link
    phone = new_context().new_page()
    phone.goto(live_server.url + reverse("accounts:login"))
    phone.click("text=Forgot your password?")
    phone.get_by_label("Email").fill("alice@example.com")
    phone.click("button:has-text('E-mail me a link')")
    phone.wait_for_selector("#reset-sent")
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/accounts/password/reset/\S+/", mail.outbox[0].body).group(0)
    assert link.startswith(live_server.url)

    # and follows it to choose a new password
    phone.goto(link)
    phone.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("New password again").fill(NEW_PASSWORD)
    with phone.expect_navigation():
        phone.click("button:has-text('Set my new password')")
    assert phone.url.endswith(reverse("accounts:login"))
    assert "Your new password is set" in phone.inner_text("main")

    # Then the laptop's session has ended
    laptop.goto(live_server.url + reverse("accounts:profile"))
    assert reverse("accounts:login") in laptop.url

    # and the old password no longer opens the door, the new one does
    phone.get_by_label("Email").fill(customer.email)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_label("Password").press("Enter")
    phone.wait_for_selector("text=Please enter a correct email and password.")
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)

    # and the link works only once
    phone.goto(link)
    assert "This password reset link is invalid, already used or expired." in phone.inner_text("main")
