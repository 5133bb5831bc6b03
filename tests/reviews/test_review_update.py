"""reviews.services.review_update: the author edits within the window, the aggregate follows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from householdsvc.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from reviews.models import Review
from reviews.services import review_create, review_update
from tests.reviews.factories import service_request_in_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(customer, completed_request):
    return review_create(request_id=completed_request.pk, customer=customer, rating=2, comment="Late")


def _age(review, days, hours=0):
    Review.objects.filter(pk=review.pk).update(created_at=timezone.now() - timedelta(days=days, hours=hours))


def _profile(professional):
    professional.professional_profile.refresh_from_db()
    return professional.professional_profile


def test_author_changes_rating_and_comment(customer, review):
    updated = review_update(review_id=review.pk, customer=customer, rating=4, comment="Late but good")

    updated.refresh_from_db()
    assert (updated.rating, updated.comment) == (4, "Late but good")


def test_omitted_fields_stay_as_they_were(customer, review):
    review_update(review_id=review.pk, customer=customer, comment="Fine after all")

    review.refresh_from_db()
    assert (review.rating, review.comment) == (2, "Fine after all")


def test_changed_rating_moves_the_average_not_the_count(customer, professional, review):
    other = service_request_in_state(professional=professional)
    review_create(request_id=other.pk, customer=other.customer, rating=5)
    assert _profile(professional).average_rating == Decimal("3.50")

    review_update(review_id=review.pk, customer=customer, rating=4)

    profile = _profile(professional)
    assert (profile.average_rating, profile.rating_count) == (Decimal("4.50"), 2)


def test_edit_just_inside_the_window_is_allowed(customer, review):
    _age(review, settings.REVIEW_EDIT_WINDOW_DAYS - 1, hours=23)

    review_update(review_id=review.pk, customer=customer, rating=3)

    review.refresh_from_db()
    assert review.rating == 3


def test_edit_after_seven_days_gets_409_and_changes_nothing(customer, professional, review):
    _age(review, settings.REVIEW_EDIT_WINDOW_DAYS, hours=1)

    with pytest.raises(Conflict) as caught:
        review_update(review_id=review.pk, customer=customer, rating=5, comment="Changed my mind")

    assert caught.value.code == "edit_window_closed"
    review.refresh_from_db()
    assert (review.rating, review.comment) == (2, "Late")
    assert _profile(professional).average_rating == Decimal("2.00")


def test_professional_who_received_it_gets_403(professional, review):
    with pytest.raises(NotAllowed):
        review_update(review_id=review.pk, customer=professional, rating=5)


def test_admin_gets_403(admin_user, review):
    with pytest.raises(NotAllowed):
        review_update(review_id=review.pk, customer=admin_user, rating=5)


def test_other_customer_gets_403_on_a_public_review(other_customer, review):
    # Reviews of an approved professional are public, so the stranger sees it but may not edit.
    with pytest.raises(NotAllowed):
        review_update(review_id=review.pk, customer=other_customer, rating=5)


def test_other_customer_gets_404_when_the_professional_is_not_public(other_customer, professional, review):
    professional.is_active = False
    professional.save(update_fields=["is_active"])

    with pytest.raises(NotFound):
        review_update(review_id=review.pk, customer=other_customer, rating=5)


def test_unknown_review_gets_404(customer):
    with pytest.raises(NotFound):
        review_update(review_id=999_999, customer=customer, rating=5)


@pytest.mark.parametrize("rating", [0, 6, "abc"])
def test_bad_rating_gets_400_and_changes_nothing(customer, professional, review, rating):
    with pytest.raises(ValidationFailed) as caught:
        review_update(review_id=review.pk, customer=customer, rating=rating, comment="New words")

    assert "rating" in caught.value.errors
    review.refresh_from_db()
    assert (review.rating, review.comment) == (2, "Late")
    assert _profile(professional).average_rating == Decimal("2.00")
