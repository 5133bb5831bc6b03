"""``/api/v1/requests/{id}/review/``: every role against GET, POST and PATCH."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from requests_app.models import Status
from reviews.models import Review
from reviews.services import review_create
from tests.reviews.factories import service_request_in_state

pytestmark = pytest.mark.django_db


def url(service_request_or_id):
    pk = getattr(service_request_or_id, "pk", service_request_or_id)
    return f"/api/v1/requests/{pk}/review/"


@pytest.fixture
def users(customer, other_customer, professional, other_professional, admin_user):
    return {
        "anonymous": None,
        "customer": customer,
        "other_customer": other_customer,
        "professional": professional,
        "other_professional": other_professional,
        "admin": admin_user,
    }


@pytest.fixture
def review(customer, completed_request):
    return review_create(request_id=completed_request.pk, customer=customer, rating=4, comment="Tidy")


# --- POST ---------------------------------------------------------------------------------


def test_customer_posts_a_review_and_gets_201(client_for, customer, professional, completed_request):
    response = client_for(customer).post(url(completed_request), {"rating": 5, "comment": "Spotless"})

    assert response.status_code == 201, response.json()
    body = response.json()
    review = Review.objects.get()
    assert body == {
        "id": review.pk,
        "request": completed_request.pk,
        "customer_name": "Alice Customer",
        "professional": professional.pk,
        "professional_name": "Carol Pro",
        "rating": 5,
        "comment": "Spotless",
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
        "editable_until": body["editable_until"],
    }
    assert body["editable_until"].startswith((review.created_at + timedelta(days=7)).date().isoformat())
    professional.professional_profile.refresh_from_db()
    assert professional.professional_profile.average_rating == Decimal("5.00")


def test_customer_reviews_a_closed_request(client_for, customer, closed_request):
    response = client_for(customer).post(url(closed_request), {"rating": 3})

    assert response.status_code == 201
    assert response.json()["comment"] == ""


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("other_customer", 404),
        ("professional", 403),
        ("other_professional", 404),
        ("admin", 403),
    ],
)
def test_only_the_requests_customer_may_post(client_for, users, completed_request, role, expected):
    response = client_for(users[role]).post(url(completed_request), {"rating": 5})

    assert response.status_code == expected, response.json()
    assert set(response.json()) == {"code", "detail"}
    assert not Review.objects.exists()


def test_unknown_request_gets_404(client_for, customer):
    response = client_for(customer).post(url(999_999), {"rating": 5})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("rating", [0, 6, "abc", 4.5, None])
def test_bad_rating_gets_400_on_rating(client_for, customer, professional, completed_request, rating):
    response = client_for(customer).post(url(completed_request), {"rating": rating}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"rating"}
    assert not Review.objects.exists()
    professional.professional_profile.refresh_from_db()
    assert professional.professional_profile.rating_count == 0


def test_missing_rating_gets_400(client_for, customer, completed_request):
    response = client_for(customer).post(url(completed_request), {"comment": "No stars"})

    assert response.status_code == 400
    assert "rating" in response.json()["errors"]


def test_too_long_comment_gets_400(client_for, customer, completed_request):
    response = client_for(customer).post(url(completed_request), {"rating": 5, "comment": "x" * 2001})

    assert response.status_code == 400
    assert "comment" in response.json()["errors"]


def test_second_review_gets_409_already_reviewed(client_for, customer, review, completed_request):
    response = client_for(customer).post(url(completed_request), {"rating": 1})

    assert response.status_code == 409
    assert response.json()["code"] == "already_reviewed"
    review.refresh_from_db()
    assert review.rating == 4


@pytest.mark.parametrize("status", [Status.REQUESTED, Status.ASSIGNED, Status.ON_SITE, Status.CANCELLED])
def test_review_of_an_unfinished_or_cancelled_request_gets_409(client_for, customer, status):
    service_request = service_request_in_state(status=status, customer=customer)

    response = client_for(customer).post(url(service_request), {"rating": 5})

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert not Review.objects.exists()


# --- GET ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("customer", 200),
        ("other_customer", 404),
        ("professional", 200),
        ("other_professional", 404),
        ("admin", 200),
    ],
)
def test_whoever_sees_the_request_sees_its_review(
    client_for, users, review, completed_request, role, expected
):
    response = client_for(users[role]).get(url(completed_request))

    assert response.status_code == expected
    if expected == 200:
        assert (response.json()["id"], response.json()["rating"]) == (review.pk, 4)


def test_request_without_a_review_gets_404_not_reviewed(client_for, customer, completed_request):
    response = client_for(customer).get(url(completed_request))

    assert response.status_code == 404
    assert response.json()["code"] == "not_reviewed"


# --- PATCH ----------------------------------------------------------------------------------


def test_author_edits_within_the_window(client_for, customer, professional, review, completed_request):
    response = client_for(customer).patch(url(completed_request), {"rating": 2}, format="json")

    assert response.status_code == 200, response.json()
    assert (response.json()["rating"], response.json()["comment"]) == (2, "Tidy")
    professional.professional_profile.refresh_from_db()
    assert professional.professional_profile.average_rating == Decimal("2.00")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("other_customer", 404),
        ("professional", 403),
        ("other_professional", 404),
        ("admin", 403),
    ],
)
def test_only_the_author_may_edit(client_for, users, review, completed_request, role, expected):
    response = client_for(users[role]).patch(url(completed_request), {"rating": 1}, format="json")

    assert response.status_code == expected
    review.refresh_from_db()
    assert review.rating == 4


def test_edit_after_seven_days_gets_409(client_for, customer, professional, review, completed_request):
    Review.objects.filter(pk=review.pk).update(created_at=timezone.now() - timedelta(days=7, minutes=1))

    response = client_for(customer).patch(url(completed_request), {"rating": 1}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "edit_window_closed"
    review.refresh_from_db()
    assert review.rating == 4
    professional.professional_profile.refresh_from_db()
    assert professional.professional_profile.average_rating == Decimal("4.00")


def test_edit_with_rating_six_gets_400(client_for, customer, review, completed_request):
    response = client_for(customer).patch(url(completed_request), {"rating": 6}, format="json")

    assert response.status_code == 400
    assert "rating" in response.json()["errors"]


def test_edit_before_any_review_gets_404(client_for, customer, completed_request):
    response = client_for(customer).patch(url(completed_request), {"rating": 3}, format="json")

    assert response.status_code == 404


def test_put_and_delete_are_not_allowed(client_for, customer, review, completed_request):
    client = client_for(customer)

    assert client.put(url(completed_request), {"rating": 1}, format="json").status_code == 405
    assert client.delete(url(completed_request)).status_code == 405
    assert Review.objects.filter(pk=review.pk, rating=4).exists()
