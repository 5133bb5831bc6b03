"""The public professional profile (page and API): name, service, experience, company,
verified badge, average rating and count, recent reviews, jobs done; linked from the request
page once assigned and from the professionals search; the professional's own page shows their
rating summary and reviews."""

from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import ProfessionalProfile, User
from requests_app.models import Status
from reviews.models import Review
from tests.accounts.factories import CustomerFactory
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


def test_api_profile_of_a_pending_professional_is_a_404_for_everyone(
    pending_professional, customer, admin_user, client_for, api_client
):
    url = f"/api/v1/professionals/{pending_professional.pk}/profile/"
    assert client_for(customer).get(url).status_code == 404
    assert client_for(admin_user).get(url).status_code == 404
    assert api_client.get(url).status_code == 404


def test_api_profile_is_public_to_an_anonymous_client(rated_professional, api_client):
    response = api_client.get(f"/api/v1/professionals/{rated_professional.pk}/profile/")
    assert response.status_code == 200
    body = response.json()
    assert (body["full_name"], body["verified"], body["jobs_done"]) == ("Carol Pro", True, 2)
    assert (body["average_rating"], body["rating_count"]) == ("4.50", 2)
    assert [r["comment"] for r in body["recent_reviews"]] == ["Brilliant", "Tidy work"]
    for private in ("email", "phone", "contact_phone", "address", "current_latitude", "current_longitude"):
        assert private not in body, private


def test_api_profile_of_a_blocked_professional_is_a_404(rated_professional, api_client):
    User.objects.filter(pk=rated_professional.pk).update(is_active=False)
    assert api_client.get(f"/api/v1/professionals/{rated_professional.pk}/profile/").status_code == 404


def test_api_profile_is_throttled_per_client(rated_professional, api_client, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "public_profile": "3/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    url = f"/api/v1/professionals/{rated_professional.pk}/profile/"
    assert [api_client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]


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


def test_anonymous_visitors_see_the_profile_page_without_contact_details(rated_professional):
    page = Client().get(f"/accounts/professionals/{rated_professional.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    for expected in (
        "Carol Pro",
        'id="verified"',
        '<dd id="pro-service">Deep cleaning</dd>',
        '<dd id="pro-experience">7 years</dd>',
        '<dd id="pro-company">Carol &amp; Co</dd>',
        '<dd id="jobs-done">2</dd>',
        '<strong id="average-rating">4.5</strong>',
        '<span id="rating-count">2</span>',
        "Brilliant",
        "Tidy work",
    ):
        assert expected in text, expected
    profile = rated_professional.professional_profile
    for private in (
        rated_professional.email,
        rated_professional.phone,
        profile.contact_phone,
        profile.address,
    ):
        assert private not in text, private


def test_the_anonymous_page_is_served_from_the_cache_and_a_block_ends_it_at_once(
    rated_professional, admin_user, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from accounts import services

    url = f"/accounts/professionals/{rated_professional.pk}/"
    first = Client().get(url)
    with django_assert_num_queries(0):
        again = Client().get(url)
    assert again.content == first.content
    assert "public" in again["Cache-Control"]
    with django_capture_on_commit_callbacks(execute=True):
        services.user_block(user_id=rated_professional.pk, actor=admin_user, reason="fraud")
    assert Client().get(url).status_code == 404


def test_a_new_review_shows_on_the_cached_page_at_once(
    rated_professional, django_capture_on_commit_callbacks
):
    from reviews import services as review_services

    url = f"/accounts/professionals/{rated_professional.pk}/"
    assert "Brilliant" in Client().get(url).content.decode()
    third = CustomerFactory(email="fay@example.com", full_name="Fay Customer")
    done = request_in_state(
        Status.COMPLETED,
        professional=rated_professional,
        customer=third,
        service=rated_professional.professional_profile.service,
    )
    with django_capture_on_commit_callbacks(execute=True):
        review_services.review_create(request_id=done.pk, customer=third, rating=3, comment="Late but fine")
    assert "Late but fine" in Client().get(url).content.decode()


@pytest.mark.parametrize("state", ["pending", "blocked", "unknown"])
def test_the_page_of_a_pending_blocked_or_unknown_professional_is_a_404(
    state, pending_professional, rated_professional, admin_user
):
    pk = {"pending": pending_professional.pk, "blocked": rated_professional.pk, "unknown": 999999}[state]
    if state == "blocked":
        User.objects.filter(pk=pk).update(is_active=False)
    assert Client().get(f"/accounts/professionals/{pk}/").status_code == 404
    admin = Client()
    admin.force_login(admin_user)
    assert admin.get(f"/accounts/professionals/{pk}/").status_code == 404


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
