"""The back office shows payments and Stripe's events, and changes neither."""

import pytest
from django.test import Client

from requests_app.models import PaymentStatus, Status, StripeEvent

pytestmark = pytest.mark.django_db

EVENTS = "/admin/requests_app/stripeevent/"


@pytest.fixture
def admin_browser(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def paid(in_state):
    return in_state(Status.CLOSED, payment_status=PaymentStatus.PAID, payment_reference="pi_test_shown")


def test_the_request_page_shows_the_payment_read_only(admin_browser, paid):
    response = admin_browser.get(f"/admin/requests_app/servicerequest/{paid.pk}/change/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "pi_test_shown" in page
    assert 'name="payment_reference"' not in page and 'name="payment_status"' not in page


def test_stripe_events_are_listed_with_their_request(admin_browser, paid, django_assert_max_num_queries):
    for number in range(5):
        StripeEvent.objects.create(
            event_id=f"evt_test_admin{number}",
            type="payment_intent.succeeded",
            processed=True,
            outcome="Marked paid.",
            service_request=paid,
        )

    with django_assert_max_num_queries(12):
        response = admin_browser.get(EVENTS)

    page = response.content.decode()
    assert response.status_code == 200
    assert "evt_test_admin4" in page and "Marked paid." in page


def test_stripe_events_cannot_be_added_changed_or_deleted(admin_browser, paid):
    stripe_event = StripeEvent.objects.create(event_id="evt_test_fixed", type="charge.refunded")

    assert admin_browser.get(f"{EVENTS}add/").status_code == 403
    assert admin_browser.post(f"{EVENTS}{stripe_event.pk}/delete/", {"post": "yes"}).status_code == 403
    page = admin_browser.get(f"{EVENTS}{stripe_event.pk}/change/")
    assert page.status_code == 200
    assert 'name="event_id"' not in page.content.decode()
    assert StripeEvent.objects.filter(pk=stripe_event.pk).exists()
