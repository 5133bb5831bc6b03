"""The public services page at /services/."""

import pytest

from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_services_page_lists_active_services_for_anyone(client, service, dispatch_service):
    ServiceFactory(name="Retired chimney sweep", is_active=False)

    response = client.get("/services/")

    assert response.status_code == 200
    assert [s.name for s in response.context["services"]] == ["Deep cleaning", "Flat tyre"]


def test_services_page_searches_by_name_and_pin_code(client, service, dispatch_service):
    ProfessionalFactory(
        professional_profile__service=dispatch_service, professional_profile__pin_code="560066"
    )

    assert [s.name for s in client.get("/services/", {"search": "clean"}).context["services"]] == [
        "Deep cleaning"
    ]
    assert [s.name for s in client.get("/services/", {"pin_code": "560066"}).context["services"]] == [
        "Flat tyre"
    ]


def test_services_page_shows_a_bad_kind_as_a_form_error(client, service):
    response = client.get("/services/", {"kind": "teleport"})

    assert response.status_code == 200
    assert response.context["services"] == []
    assert "kind" in response.context["filter"].form.errors


def test_services_page_query_count_is_pinned(client, django_assert_max_num_queries):
    ServiceFactory.create_batch(20)
    with django_assert_max_num_queries(1):
        client.get("/services/")


def test_services_page_offers_a_booking_link_that_preselects_the_service(client, customer, service):
    # Given a customer browsing the catalogue
    client.force_login(customer)

    # When they follow the service's "Book" link
    page = client.get("/services/").content.decode()
    booking_url = f"/requests/new/?service={service.pk}"
    assert f'href="{booking_url}"' in page
    form = client.get(booking_url).context["form"]

    # Then the request form opens with that service chosen
    assert form.initial["service"] == service.pk


def test_services_page_offers_no_booking_link_for_an_inactive_service(client, admin_user):
    retired = ServiceFactory(name="Retired chimney sweep", is_active=False)
    client.force_login(admin_user)

    page = client.get("/services/").content.decode()

    assert "Retired chimney sweep" in page
    assert f"/requests/new/?service={retired.pk}" not in page


def test_services_page_booking_link_sends_a_visitor_to_log_in_first(client, service):
    response = client.get(f"/requests/new/?service={service.pk}")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
