"""reviews.services.review_create: who may review, when, once, and with what."""

from decimal import Decimal

import pytest

from householdsvc.core.errors import Conflict, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from requests_app.models import Status
from reviews import services
from reviews.models import Review
from reviews.services import REVIEW_COMMENT_MAX_LENGTH, review_create
from tests.accounts.factories import CustomerFactory
from tests.reviews.factories import service_request_in_state

pytestmark = pytest.mark.django_db


def _profile(professional):
    professional.professional_profile.refresh_from_db()
    return professional.professional_profile


@pytest.mark.parametrize("status", [Status.COMPLETED, Status.CLOSED])
def test_customer_reviews_their_finished_request(customer, professional, status):
    service_request = service_request_in_state(status=status, customer=customer, professional=professional)

    review = review_create(request_id=service_request.pk, customer=customer, rating=5, comment=" Great ")

    review.refresh_from_db()
    assert (review.request_id, review.customer_id, review.professional_id) == (
        service_request.pk,
        customer.pk,
        professional.pk,
    )
    assert (review.rating, review.comment) == (5, "Great")


def test_first_review_sets_the_professionals_average_and_count(customer, professional, completed_request):
    review_create(request_id=completed_request.pk, customer=customer, rating=4)

    profile = _profile(professional)
    assert (profile.average_rating, profile.rating_count) == (Decimal("4.00"), 1)


def test_average_is_rounded_to_two_decimals(professional):
    for rating in (5, 4, 4):
        service_request = service_request_in_state(professional=professional)
        review_create(request_id=service_request.pk, customer=service_request.customer, rating=rating)

    profile = _profile(professional)
    assert (profile.average_rating, profile.rating_count) == (Decimal("4.33"), 3)


def test_comment_is_optional(customer, completed_request):
    review = review_create(request_id=completed_request.pk, customer=customer, rating=3)

    assert review.comment == ""


@pytest.mark.parametrize("status", [Status.REQUESTED, Status.ASSIGNED, Status.EN_ROUTE, Status.ON_SITE])
def test_unfinished_request_gets_409(customer, professional, status):
    service_request = service_request_in_state(status=status, customer=customer, professional=professional)

    with pytest.raises(InvalidTransition) as caught:
        review_create(request_id=service_request.pk, customer=customer, rating=5)

    assert caught.value.code == "invalid_transition"
    assert caught.value.status_code == 409
    assert not Review.objects.exists()


def test_cancelled_request_gets_409(customer):
    service_request = service_request_in_state(status=Status.CANCELLED, customer=customer)

    with pytest.raises(InvalidTransition):
        review_create(request_id=service_request.pk, customer=customer, rating=5)

    assert not Review.objects.exists()


def test_second_review_gets_409_and_leaves_the_first(customer, professional, completed_request):
    review_create(request_id=completed_request.pk, customer=customer, rating=5)

    with pytest.raises(Conflict) as caught:
        review_create(request_id=completed_request.pk, customer=customer, rating=1)

    assert caught.value.code == "already_reviewed"
    assert list(Review.objects.values_list("rating", flat=True)) == [5]
    profile = _profile(professional)
    assert (profile.average_rating, profile.rating_count) == (Decimal("5.00"), 1)


def test_duplicate_caught_by_the_unique_constraint_is_409(
    customer, professional, completed_request, monkeypatch
):
    # As if a second review slipped past the check: the one-per-request constraint still holds.
    review_create(request_id=completed_request.pk, customer=customer, rating=5)
    monkeypatch.setattr(services, "_ensure_not_reviewed", lambda service_request: None)

    with pytest.raises(Conflict) as caught:
        review_create(request_id=completed_request.pk, customer=customer, rating=1)

    assert caught.value.code == "already_reviewed"
    assert Review.objects.count() == 1
    assert _profile(professional).rating_count == 1


def test_other_customer_gets_404(other_customer, completed_request):
    with pytest.raises(NotFound):
        review_create(request_id=completed_request.pk, customer=other_customer, rating=5)

    assert not Review.objects.exists()


def test_unknown_request_gets_404(customer):
    with pytest.raises(NotFound):
        review_create(request_id=999_999, customer=customer, rating=5)


def test_assigned_professional_gets_403(professional, completed_request):
    with pytest.raises(NotAllowed):
        review_create(request_id=completed_request.pk, customer=professional, rating=5)

    assert not Review.objects.exists()


def test_other_professional_gets_404(other_professional, completed_request):
    with pytest.raises(NotFound):
        review_create(request_id=completed_request.pk, customer=other_professional, rating=5)


def test_admin_gets_403(admin_user, completed_request):
    with pytest.raises(NotAllowed):
        review_create(request_id=completed_request.pk, customer=admin_user, rating=5)

    assert not Review.objects.exists()


def test_blocked_customer_gets_403(customer, completed_request):
    customer.is_active = False
    customer.save(update_fields=["is_active"])

    with pytest.raises(NotAllowed):
        review_create(request_id=completed_request.pk, customer=customer, rating=5)


@pytest.mark.parametrize("rating", [0, 6, -1, "abc", 4.5, "4", None, True])
def test_rating_outside_one_to_five_gets_400_on_rating(customer, professional, completed_request, rating):
    with pytest.raises(ValidationFailed) as caught:
        review_create(request_id=completed_request.pk, customer=customer, rating=rating)

    assert "rating" in caught.value.errors
    assert not Review.objects.exists()
    profile = _profile(professional)
    assert (profile.average_rating, profile.rating_count) == (Decimal("0"), 0)


def test_too_long_comment_gets_400_on_comment(customer, completed_request):
    with pytest.raises(ValidationFailed) as caught:
        review_create(
            request_id=completed_request.pk,
            customer=customer,
            rating=5,
            comment="x" * (REVIEW_COMMENT_MAX_LENGTH + 1),
        )

    assert "comment" in caught.value.errors
    assert not Review.objects.exists()


def test_refused_review_leaves_the_aggregate_unchanged(customer, professional, completed_request):
    earlier = service_request_in_state(professional=professional)
    review_create(request_id=earlier.pk, customer=earlier.customer, rating=2)
    stranger = CustomerFactory()

    for attempt in (
        lambda: review_create(request_id=completed_request.pk, customer=stranger, rating=5),
        lambda: review_create(request_id=completed_request.pk, customer=customer, rating=6),
        lambda: review_create(request_id=earlier.pk, customer=earlier.customer, rating=5),
    ):
        with pytest.raises((NotFound, ValidationFailed, Conflict)):
            attempt()

    profile = _profile(professional)
    assert (profile.average_rating, profile.rating_count) == (Decimal("2.00"), 1)
    assert Review.objects.count() == 1


def test_failure_after_the_insert_rolls_the_review_back(
    customer, professional, completed_request, monkeypatch
):
    def broken_refresh(professional_id):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_refresh_rating", broken_refresh)

    with pytest.raises(RuntimeError):
        review_create(request_id=completed_request.pk, customer=customer, rating=5)

    assert not Review.objects.exists()
    assert _profile(professional).rating_count == 0
