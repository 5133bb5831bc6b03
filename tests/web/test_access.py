"""Who may reach the request pages at all: logged in, CSRF-protected posts, 404 for the unseen."""

import pytest
from django.test import Client
from django.urls import reverse

from requests_app.models import Status

pytestmark = pytest.mark.django_db

PAGES = ["list", "new", "offers", "jobs"]
REQUEST_PAGES = ["detail", "edit"]
REQUEST_ACTIONS = ["cancel", "close", "review", "accept", "reject", "start", "arrive", "complete"]


def action_url(name, pk):
    """The action's page; the review form's is reviews' own, under the request's path."""
    return reverse("reviews:create" if name == "review" else f"requests_app:{name}", args=[pk])


@pytest.mark.parametrize("name", PAGES)
def test_pages_ask_an_anonymous_visitor_to_log_in(name):
    url = reverse(f"requests_app:{name}")

    response = Client().get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login")) and "next=" in response.url


@pytest.mark.parametrize("name", REQUEST_PAGES + REQUEST_ACTIONS)
def test_request_pages_and_actions_ask_an_anonymous_visitor_to_log_in(name, open_request):
    client = Client()
    url = (
        action_url(name, open_request.pk)
        if name in REQUEST_ACTIONS
        else reverse(f"requests_app:{name}", args=[open_request.pk])
    )

    response = client.post(url) if name in REQUEST_ACTIONS else client.get(url)

    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    open_request.refresh_from_db()
    assert open_request.status == Status.REQUESTED


@pytest.mark.parametrize("name", REQUEST_ACTIONS)
def test_actions_only_accept_posts(web_client, customer, open_request, name):
    response = web_client(customer).get(action_url(name, open_request.pk))

    assert response.status_code == 405


def test_a_post_without_the_csrf_token_is_refused(customer, open_request):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)

    response = client.post(reverse("requests_app:cancel", args=[open_request.pk]), {"reason": "x"})

    open_request.refresh_from_db()
    assert response.status_code == 403 and open_request.status == Status.REQUESTED


def test_an_unknown_request_is_a_404(web_client, admin_user):
    assert web_client(admin_user).get(reverse("requests_app:detail", args=[999999])).status_code == 404


def test_a_blocked_customer_is_logged_out(web_client, customer, open_request):
    client = web_client(customer)
    customer.is_active = False
    customer.save(update_fields=["is_active"])

    response = client.get(reverse("requests_app:detail", args=[open_request.pk]))

    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
