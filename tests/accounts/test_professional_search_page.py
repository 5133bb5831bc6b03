"""The web search for professionals: by service and/or pin code, approved and working ones only,
paginated, each linking to the public profile with its rating summary; linked from the
catalogue. The API's search carries the profile URL too."""

from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import ProfessionalProfile, User
from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import ServiceFactory

pytestmark = pytest.mark.django_db

URL = "/accounts/professionals/"


@pytest.fixture
def crowd(professional, other_professional, pending_professional, service):
    ProfessionalProfile.objects.filter(user=professional).update(
        average_rating=Decimal("4.50"), rating_count=2
    )
    blocked = ProfessionalFactory(
        email="gus@example.com", full_name="Gus Blocked", professional_profile__service=service
    )
    User.objects.filter(pk=blocked.pk).update(is_active=False)
    elsewhere = ProfessionalFactory(
        email="hal@example.com",
        full_name="Hal Elsewhere",
        professional_profile__service=service,
        professional_profile__pin_code="400001",
    )
    plumber = ProfessionalFactory(
        email="ivy@example.com",
        full_name="Ivy Plumber",
        professional_profile__service=ServiceFactory(name="Plumbing"),
    )
    return {"blocked": blocked, "elsewhere": elsewhere, "plumber": plumber}


def names(page: str) -> list[str]:
    import re

    return re.findall(r'<a class="pro-name" href="/accounts/professionals/\d+/">([^<]+)</a>', page)


def test_a_visitor_finds_professionals_by_service_and_pin_code(crowd, service, professional):
    anonymous = Client()
    by_service = anonymous.get(URL, {"service": service.pk})
    assert by_service.status_code == 200
    assert names(by_service.content.decode()) == ["Carol Pro", "Hal Elsewhere", "Dave Pro"]

    both = anonymous.get(URL, {"service": service.pk, "pin_code": "560001"}).content.decode()
    assert names(both) == ["Carol Pro", "Dave Pro"]
    assert f'<a class="pro-name" href="/accounts/professionals/{professional.pk}/">Carol Pro</a>' in both
    assert "4.5</strong> / 5 (2 reviews)" in both
    assert "No reviews yet" in both

    by_pin = anonymous.get(URL, {"pin_code": "560001"}).content.decode()
    assert names(by_pin) == ["Carol Pro", "Ivy Plumber", "Dave Pro"]
    assert "Erin Pending" not in by_pin and "Gus Blocked" not in by_pin


def test_no_contact_details_in_the_results(crowd, professional):
    page = Client().get(URL, {"pin_code": "560001"}).content.decode()
    profile = professional.professional_profile
    for private in (professional.email, professional.phone, profile.contact_phone, profile.address):
        assert private not in page, private


def test_an_unknown_service_or_a_bad_pin_code_is_a_400_with_the_field_error(crowd):
    response = Client().get(URL, {"service": "999999", "pin_code": "56<>01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert names(page) == []
    assert 'id="service-error"' in page and 'id="pin_code-error"' in page


def test_results_are_paginated_in_few_queries(service, django_assert_max_num_queries):
    for number in range(23):
        ProfessionalFactory(
            email=f"pro{number}@example.com",
            full_name=f"Pro {number:02d}",
            professional_profile__service=service,
        )
    anonymous = Client()
    with django_assert_max_num_queries(3):
        first = anonymous.get(URL, {"service": service.pk}).content.decode()
    assert len(names(first)) == 20
    assert f'href="?service={service.pk}&amp;page=2"' in first
    with django_assert_max_num_queries(3):
        second = Client().get(URL, {"service": service.pk, "page": 2}).content.decode()
    assert len(names(second)) == 3
    assert f'href="?service={service.pk}&amp;page=1"' in second
    assert Client().get(URL, {"service": service.pk, "page": 9}).status_code == 404
    assert Client().get(URL, {"page": "x"}).status_code == 404


def test_the_catalogue_links_each_service_to_its_professionals(service):
    page = Client().get("/services/").content.decode()
    assert f'href="/accounts/professionals/?service={service.pk}"' in page
    assert 'href="/accounts/professionals/"' in page


def test_the_api_search_carries_the_profile_url_in_few_queries(
    crowd, service, professional, api_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        rows = api_client.get("/api/v1/professionals/", {"service": service.pk, "pin_code": "560001"}).json()[
            "results"
        ]
    assert [(row["full_name"], row["profile_url"]) for row in rows] == [
        ("Carol Pro", f"/accounts/professionals/{professional.pk}/"),
        ("Dave Pro", f"/accounts/professionals/{rows[1]['id']}/"),
    ]
