"""The list pages filter through the API's FilterSet (requests_app.filters.ServiceRequestFilter),
inside the queryset the selector scoped to the user, with the page's own "All" status choice."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LIST_URL = reverse("requests_app:list")
JOBS_URL = reverse("requests_app:jobs")


def test_the_status_select_has_one_blank_choice_called_all(web_client, customer, open_request):
    body = web_client(customer).get(LIST_URL).content.decode()

    assert body.count('<option value="">') == 0  # the blank one is the selected one
    assert body.count('<option value="" selected>All</option>') == 1
    assert "---------" not in body


def test_the_pages_take_the_apis_other_filters_too(web_client, customer, make_request):
    make_request(pin_code="560034")
    elsewhere = make_request(pin_code="110001")

    response = web_client(customer).get(LIST_URL, {"pin_code": "110001"})

    assert [row.id for row in response.context["rows"]] == [elsewhere.pk]


def test_a_filter_never_widens_the_professionals_jobs(
    web_client, professional, stranger_professional, make_request
):
    # Another professional's id in the query does not bring their jobs into this list.
    response = web_client(professional).get(JOBS_URL, {"professional": str(stranger_professional.pk)})

    assert [row.id for row in response.context["rows"]] == []


def test_an_unknown_status_filters_nothing_and_shows_all(web_client, customer, make_request):
    make_request()

    response = web_client(customer).get(LIST_URL, {"status": "bogus"})
    body = response.content.decode()

    assert len(response.context["rows"]) == 1
    assert '<select name="status" id="id_status">' in body  # no error state for a value left out
    assert '<option value="" selected>All</option>' in body


def test_the_chosen_status_is_selected(web_client, customer, make_request):
    make_request()

    body = web_client(customer).get(LIST_URL, {"status": "assigned"}).content.decode()

    assert '<option value="assigned" selected>Assigned</option>' in body
    assert '<option value="">All</option>' in body
