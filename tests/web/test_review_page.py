"""Leaving a review from the request page, through the reviews service."""

import pytest
from django.urls import reverse

from requests_app import services
from reviews.models import Review

pytestmark = pytest.mark.django_db


def review_url(service_request):
    return reverse("reviews:create", args=[service_request.pk])


def test_a_completed_request_offers_the_review_form(web_client, customer, completed_request):
    response = web_client(customer).get(reverse("requests_app:detail", args=[completed_request.pk]))

    assert response.context["can_review"]
    assert review_url(completed_request) in response.content.decode()


def test_an_open_request_has_no_review_form(web_client, customer, assigned_request):
    response = web_client(customer).get(reverse("requests_app:detail", args=[assigned_request.pk]))

    assert not response.context["can_review"]
    assert review_url(assigned_request) not in response.content.decode()


def test_reviewing_a_closed_request_updates_the_professionals_rating(
    web_client, customer, completed_request, professional
):
    services.service_request_close(request_id=completed_request.pk, actor=customer)

    response = web_client(customer).post(
        review_url(completed_request), {"rating": "4", "comment": "Spotless"}, follow=True
    )

    review = Review.objects.get(request=completed_request)
    assert (review.rating, review.comment, review.professional) == (4, "Spotless", professional)
    professional.professional_profile.refresh_from_db()
    assert professional.professional_profile.rating_count == 1
    assert "Thank you for your review." in [str(m) for m in response.context["messages"]]
    # The form gives way to the review itself.
    assert not response.context["can_review"]
    assert "Spotless" in response.content.decode()


def test_a_second_review_is_refused(web_client, customer, completed_request):
    client = web_client(customer)
    client.post(review_url(completed_request), {"rating": "5"}, follow=True)

    response = client.post(review_url(completed_request), {"rating": "1"}, follow=True)

    assert Review.objects.get().rating == 5
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_reviewing_before_completion_is_refused(web_client, customer, assigned_request):
    response = web_client(customer).post(review_url(assigned_request), {"rating": "5"}, follow=True)

    assert not Review.objects.exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


@pytest.mark.parametrize("rating", ["0", "6", ""])
def test_a_rating_outside_one_to_five_is_refused(web_client, customer, completed_request, rating):
    response = web_client(customer).post(review_url(completed_request), {"rating": rating}, follow=True)

    assert not Review.objects.exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_another_customer_cannot_review_it(web_client, other_customer, completed_request):
    response = web_client(other_customer).post(review_url(completed_request), {"rating": "1"})

    assert response.status_code == 404 and not Review.objects.exists()


def test_the_professional_cannot_review_it(web_client, professional, completed_request):
    response = web_client(professional).post(review_url(completed_request), {"rating": "5"})

    assert response.status_code == 403 and not Review.objects.exists()
