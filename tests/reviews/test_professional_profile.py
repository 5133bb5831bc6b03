"""The public professional profile (page and API): name, service, experience, company,
verified badge, average rating and count, recent reviews, jobs done; linked from the request
page once assigned and from the professionals search; the professional's own page shows their
rating summary and reviews."""

from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import ProfessionalProfile
from requests_app.models import Status
from reviews.models import Review
from tests.requests_app.factories import request_in_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated_professional(professional, customer, other_customer, service):
    ProfessionalProfile.objects.filter(user=professional).update(
        company_name="Carol & Co", experience_years=7, average_rating=Decimal("4.50"), rating_count=2
    )
    for author, rating, comment in ((customer, 4, "Tidy work"), (other_customer, 5, "Brilliant")):
        done = request_in_state(Status.CLOSED, professional=professional, customer=author, service=service)
        Review.objects.create(
            request=done, customer=author, professional=professional, rating=rating, comment=comment
        )
    request_in_state(Status.ASSIGNED, professional=professional, customer=customer, service=service)
    professional.refresh_from_db()
    return professional


def test_api_profile_has_everything_a_customer_needs(rated_professional, customer, client_for):
    response = client_for(customer).get(f"/api/v1/professionals/{rated_professional.pk}/profile/")
    assert response.status_code == 200
    body = response.json()
    assert body["full_name"] == "Carol Pro"
    assert body["service_name"] == "Deep cleaning"
    assert (body["experience_years"], body["company_name"]) == (7, "Carol & Co")
    assert (body["verified"], body["average_rating"], body["rating_count"]) == (True, "4.50", 2)
    assert body["jobs_done"] == 2
    assert [(r["rating"], r["comment"], r["customer_name"]) for r in body["recent_reviews"]] == [
        (5, "Brilliant", "Bob"),
        (4, "Tidy work", "Alice"),
    ]
    assert body["profile_url"] == f"/accounts/professionals/{rated_professional.pk}/"
    assert "phone" not in body and "contact_phone" not in body


def test_api_profile_of_a_pending_professional_is_a_404_and_anonymous_is_a_401(
    pending_professional, customer, client_for, api_client
):
    assert (
        client_for(customer).get(f"/api/v1/professionals/{pending_professional.pk}/profile/").status_code
        == 404
    )
    assert api_client.get(f"/api/v1/professionals/{pending_professional.pk}/profile/").status_code == 401


def test_search_results_link_to_the_profile(rated_professional, api_client):
    rows = api_client.get("/api/v1/professionals/").json()["results"]
    assert [row["profile_url"] for row in rows] == [f"/accounts/professionals/{rated_professional.pk}/"]


def test_profile_page(rated_professional, customer):
    client = Client()
    client.force_login(customer)
    page = client.get(f"/accounts/professionals/{rated_professional.pk}/").content.decode()
    for expected in (
        "Carol Pro",
        'id="verified"',
        '<dd id="pro-service">Deep cleaning</dd>',
        '<dd id="pro-experience">7 years</dd>',
        "Carol &amp; Co",
        '<dd id="jobs-done">2</dd>',
        '<strong id="average-rating">4.5</strong>',
        '<span id="rating-count">2</span>',
        "Brilliant",
        "Tidy work",
    ):
        assert expected in page, expected
    assert rated_professional.phone not in page


def test_the_request_page_links_to_the_assigned_professional(rated_professional, customer, service):
    assigned = request_in_state(
        Status.ASSIGNED, professional=rated_professional, customer=customer, service=service
    )
    client = Client()
    client.force_login(customer)
    page = client.get(f"/requests/{assigned.pk}/").content.decode()
    assert f'href="/accounts/professionals/{rated_professional.pk}/"' in page


def test_the_professionals_own_page_shows_their_rating_and_reviews(rated_professional):
    client = Client()
    client.force_login(rated_professional)
    page = client.get("/accounts/profile/").content.decode()
    assert '<strong id="average-rating">4.5</strong>' in page
    assert "Brilliant" in page and "Tidy work" in page
