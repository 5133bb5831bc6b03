"""The start code: four digits shown to the request's customer only; ``arrive`` needs them, five
wrong ones lock arriving until an admin unlocks it."""

import re

import pytest
from django.urls import reverse

from householdsvc.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from requests_app import services, start_codes
from requests_app.models import ServiceRequest, Status
from tests.requests_app.factories import request_in_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def en_route(customer, service, professional):
    return request_in_state(Status.EN_ROUTE, customer=customer, service=service, professional=professional)


def arrive(client, service_request, code):
    return client.post(f"/api/v1/requests/{service_request.pk}/arrive/", {"start_code": code})


def test_a_request_made_through_the_service_gets_four_random_digits(customer, service):
    codes = {
        services.service_request_create(customer=customer, service=service, description="Clean.").start_code
        for _ in range(12)
    }
    assert all(re.fullmatch(r"\d{4}", code) for code in codes)
    assert len(codes) > 1


def test_the_right_code_arrives(client_for, en_route, professional):
    response = arrive(client_for(professional), en_route, "2468")

    assert (response.status_code, response.json()["status"]) == (200, "on_site")


def test_a_wrong_code_is_a_400_and_changes_nothing_but_the_count(client_for, en_route, professional):
    response = arrive(client_for(professional), en_route, "1357")

    assert response.status_code == 400
    assert response.json()["code"] == "wrong_start_code"
    assert list(response.json()["errors"]) == ["start_code"]
    en_route.refresh_from_db()
    assert (en_route.status, en_route.start_code_failures, en_route.arrived_at) == ("en_route", 1, None)


def test_five_wrong_codes_lock_arriving_until_an_admin_unlocks_it(
    client_for, en_route, professional, admin_user
):
    client = client_for(professional)
    for _ in range(5):
        assert arrive(client, en_route, "0000").status_code == 400

    locked = arrive(client, en_route, "2468")
    assert (locked.status_code, locked.json()["code"]) == (409, "start_code_locked")
    assert (
        en_route.events.filter(action="start_code").get().note == "Arriving locked after 5 wrong start codes."
    )

    with pytest.raises(NotAllowed):
        start_codes.start_code_reset(request_id=en_route.pk, actor=professional)
    start_codes.start_code_reset(request_id=en_route.pk, actor=admin_user)

    assert arrive(client, en_route, "2468").status_code == 200


def test_an_admin_unlocks_from_the_changelist(client, en_route, admin_user):
    ServiceRequest.objects.filter(pk=en_route.pk).update(start_code_failures=5)
    client.force_login(admin_user)

    client.post(
        reverse("admin:requests_app_servicerequest_changelist"),
        {"action": "reset_start_codes", "_selected_action": [en_route.pk]},
    )

    assert ServiceRequest.objects.get(pk=en_route.pk).start_code_failures == 0


def test_the_code_is_shown_to_the_customer_only(client_for, customer, professional, admin_user, en_route):
    url = f"/api/v1/requests/{en_route.pk}/start-code/"

    assert client_for(customer).get(url).json() == {"start_code": "2468"}
    assert client_for(professional).get(url).status_code == 404
    assert client_for(admin_user).get(url).status_code == 404


def test_the_customers_page_shows_the_code_and_the_professionals_does_not(
    client, customer, professional, en_route
):
    page = reverse("requests_app:detail", args=[en_route.pk])
    client.force_login(customer)
    assert '<strong id="start-code-value">2468</strong>' in client.get(page).content.decode()
    client.force_login(professional)
    body = client.get(page).content.decode()
    # The code as a word of its own: a random token or a longer number on the page can hold
    # these four digits now and then (a suite run failed so once), and that is not the code.
    assert re.search(r"(?<![0-9A-Za-z])2468(?![0-9A-Za-z])", body) is None
    assert "start-code-value" not in body
    assert 'name="start_code"' in body


def test_the_arrive_form_needs_the_code(client, professional, en_route):
    client.force_login(professional)
    url = reverse("requests_app:arrive", args=[en_route.pk])

    client.post(url, {"start_code": "9999"})
    assert ServiceRequest.objects.get(pk=en_route.pk).status == "en_route"
    client.post(url, {"start_code": "2468"})
    assert ServiceRequest.objects.get(pk=en_route.pk).status == "on_site"


def test_the_code_is_checked_only_after_who_and_when(en_route, other_professional, in_state):
    with pytest.raises(NotFound):
        services.service_request_arrive(
            request_id=en_route.pk, professional=other_professional, start_code="0"
        )
    assert ServiceRequest.objects.get(pk=en_route.pk).start_code_failures == 0
    assigned = in_state(Status.ASSIGNED)
    with pytest.raises(Conflict):
        services.service_request_arrive(
            request_id=assigned.pk, professional=assigned.professional, start_code="0"
        )


def test_a_missing_code_is_wrong_too(en_route, professional):
    with pytest.raises(ValidationFailed) as excinfo:
        services.service_request_arrive(request_id=en_route.pk, professional=professional)
    assert excinfo.value.code == "wrong_start_code"
