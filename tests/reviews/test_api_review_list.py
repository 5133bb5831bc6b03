"""``/api/v1/reviews/`` and ``/api/v1/reviews/{id}/``: scoping per role, public ratings,
filters, ordering and a fixed number of queries whatever the page size."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import VerificationStatus
from reviews.models import Review
from tests.accounts.factories import CustomerFactory, ProfessionalFactory
from tests.reviews.factories import ReviewFactory, service_request_in_state

pytestmark = pytest.mark.django_db

LIST = "/api/v1/reviews/"


def ids(response):
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def reviews(customer, other_customer, professional, other_professional):
    """Alice reviewed Carol; Bob reviewed Carol and Dave. Newest last."""
    made = {}
    for name, (author, pro, rating) in {
        "alice_carol": (customer, professional, 5),
        "bob_carol": (other_customer, professional, 2),
        "bob_dave": (other_customer, other_professional, 3),
    }.items():
        made[name] = ReviewFactory(
            request=service_request_in_state(customer=author, professional=pro), rating=rating
        )
    return made


def test_anonymous_gets_401(client_for, reviews):
    assert client_for(None).get(LIST).status_code == 401


def test_customer_lists_the_reviews_they_wrote(client_for, customer, other_customer, reviews):
    assert ids(client_for(customer).get(LIST)) == [reviews["alice_carol"].pk]
    assert ids(client_for(other_customer).get(LIST)) == [reviews["bob_dave"].pk, reviews["bob_carol"].pk]


def test_professional_lists_the_reviews_they_received(client_for, professional, other_professional, reviews):
    assert ids(client_for(professional).get(LIST)) == [reviews["bob_carol"].pk, reviews["alice_carol"].pk]
    assert ids(client_for(other_professional).get(LIST)) == [reviews["bob_dave"].pk]


def test_admin_lists_every_review(client_for, admin_user, reviews):
    assert ids(client_for(admin_user).get(LIST)) == [r.pk for r in reversed(reviews.values())]


def test_any_signed_in_user_lists_an_approved_professionals_reviews(
    client_for, customer, other_professional, professional, reviews
):
    for user in (customer, other_professional):
        response = client_for(user).get(LIST, {"professional": professional.pk})
        assert ids(response) == [reviews["bob_carol"].pk, reviews["alice_carol"].pk]


def test_reviews_of_an_unapproved_or_blocked_professional_are_not_public(
    client_for, customer, other_customer, professional, admin_user, reviews
):
    profile = professional.professional_profile
    profile.verification_status = VerificationStatus.REJECTED
    profile.save(update_fields=["verification_status"])

    # Others see only what is theirs anyway; the professional and admins still see all of them.
    assert ids(client_for(customer).get(LIST, {"professional": professional.pk})) == [
        reviews["alice_carol"].pk
    ]
    assert ids(client_for(ProfessionalFactory()).get(LIST, {"professional": professional.pk})) == []
    assert len(ids(client_for(professional).get(LIST, {"professional": professional.pk}))) == 2
    assert len(ids(client_for(admin_user).get(LIST, {"professional": professional.pk}))) == 2


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"rating": 5}, ["alice_carol"]),
        ({"rating_min": 3}, ["bob_dave", "alice_carol"]),
        ({"rating_max": 3}, ["bob_dave", "bob_carol"]),
        ({"ordering": "rating"}, ["bob_carol", "bob_dave", "alice_carol"]),
        ({"ordering": "-rating"}, ["alice_carol", "bob_dave", "bob_carol"]),
        ({"ordering": "created_at"}, ["alice_carol", "bob_carol", "bob_dave"]),
    ],
)
def test_admin_filters_and_orders(client_for, admin_user, reviews, params, expected):
    assert ids(client_for(admin_user).get(LIST, params)) == [reviews[name].pk for name in expected]


def test_created_range_filter(client_for, admin_user, reviews):
    now = timezone.now()
    Review.objects.filter(pk=reviews["alice_carol"].pk).update(created_at=now - timedelta(days=10))
    Review.objects.filter(pk=reviews["bob_carol"].pk).update(created_at=now - timedelta(days=5))
    params = {
        "created_after": (now - timedelta(days=6)).isoformat(),
        "created_before": (now - timedelta(days=4)).isoformat(),
    }

    assert ids(client_for(admin_user).get(LIST, params)) == [reviews["bob_carol"].pk]


@pytest.mark.parametrize(
    "params",
    [
        {"rating_min": "abc"},
        {"professional": "x"},
        {"ordering": "comment"},
        # Whole numbers only: the integer column would have cut these to 0 and 1.
        {"rating_min": "0.5"},
        {"professional": "1.5"},
    ],
)
def test_bad_filter_gets_400(client_for, admin_user, reviews, params):
    response = client_for(admin_user).get(LIST, params)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_pages_without_counting(client_for, admin_user, reviews):
    first = client_for(admin_user).get(LIST, {"page_size": 2}).json()

    assert len(first["results"]) == 2
    assert first["previous"] is None and "page=2" in first["next"]
    assert "count" not in first


@pytest.mark.parametrize("page_size", [1, 100])
def test_list_query_count_does_not_grow_with_the_page(
    client_for, admin_user, professional, django_assert_max_num_queries, page_size
):
    for _ in range(page_size + 1):
        ReviewFactory(request=service_request_in_state(professional=professional, customer=CustomerFactory()))
    client = client_for(admin_user)

    # One query authenticates the token's user, one reads the page (no COUNT).
    with django_assert_max_num_queries(2):
        response = client.get(LIST, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size

    with django_assert_max_num_queries(2):
        response = client.get(LIST, {"page_size": page_size, "professional": professional.pk})
    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize("page_size", [1, 100])
def test_public_list_query_count_for_a_customer(
    client_for, customer, professional, django_assert_max_num_queries, page_size
):
    for _ in range(page_size + 1):
        ReviewFactory(request=service_request_in_state(professional=professional))

    with django_assert_max_num_queries(2):
        response = client_for(customer).get(LIST, {"page_size": page_size, "professional": professional.pk})
    assert len(response.json()["results"]) == page_size


# --- detail ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("customer", 200),
        ("other_customer", 200),  # public: Carol is approved
        ("professional", 200),
        ("other_professional", 200),
        ("admin", 200),
    ],
)
def test_a_public_review_is_visible_to_every_signed_in_user(
    client_for,
    customer,
    other_customer,
    professional,
    other_professional,
    admin_user,
    reviews,
    role,
    expected,
):
    users = {
        "anonymous": None,
        "customer": customer,
        "other_customer": other_customer,
        "professional": professional,
        "other_professional": other_professional,
        "admin": admin_user,
    }
    response = client_for(users[role]).get(f"{LIST}{reviews['alice_carol'].pk}/")

    assert response.status_code == expected
    if expected == 200:
        assert response.json()["customer_name"] == "Alice Customer"


def test_a_review_of_a_blocked_professional_is_hidden_from_others(
    client_for, customer, other_customer, professional, admin_user, reviews
):
    professional.is_active = False
    professional.save(update_fields=["is_active"])
    path = f"{LIST}{reviews['alice_carol'].pk}/"

    assert client_for(other_customer).get(path).status_code == 404
    assert client_for(customer).get(path).status_code == 200
    assert client_for(admin_user).get(path).status_code == 200


def test_unknown_review_gets_404(client_for, customer):
    response = client_for(customer).get(f"{LIST}999999/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_reviews_are_read_only_here(client_for, admin_user, reviews):
    client = client_for(admin_user)
    review = reviews["alice_carol"]

    assert client.post(LIST, {"rating": 1}).status_code == 405
    assert client.patch(f"{LIST}{review.pk}/", {"rating": 1}).status_code == 405
    assert client.delete(f"{LIST}{review.pk}/").status_code == 405
    assert Review.objects.filter(pk=review.pk, rating=5).exists()


def test_created_range_accepts_any_offset_python_parses(client_for, admin_user, reviews):
    # PostgreSQL refuses offsets past ±15:59; the filter compares in UTC, so +23:30 is no 500.
    now = timezone.now()
    Review.objects.filter(pk=reviews["alice_carol"].pk).update(created_at=now - timedelta(days=10))
    far_east = timezone.get_fixed_timezone(23 * 60 + 30)
    params = {"created_after": (now - timedelta(days=6)).astimezone(far_east).isoformat()}

    found = ids(client_for(admin_user).get(LIST, params))
    assert sorted(found) == sorted([reviews["bob_carol"].pk, reviews["bob_dave"].pk])


def test_created_range_outside_the_years_a_date_can_have_gets_400(client_for, admin_user, reviews):
    # Midnight of 1 January in the year 1, east of Greenwich, is in the year 0 in UTC.
    response = client_for(admin_user).get(LIST, {"created_after": "0001-01-01T00:00:00+05:00"})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"created_after"}
