"""reviews.selectors: who sees which review, straight from the selectors."""

import pytest
from django.contrib.auth.models import AnonymousUser

from householdsvc.core.errors import NotFound
from reviews.selectors import review_for_request, review_get, review_list
from tests.reviews.factories import ReviewFactory, service_request_in_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(customer, professional):
    return ReviewFactory(request=service_request_in_state(customer=customer, professional=professional))


def test_anonymous_sees_nothing(review):
    anonymous = AnonymousUser()

    assert list(review_list(user=anonymous)) == []
    assert list(review_list(user=anonymous, professional_id=review.professional_id)) == []
    with pytest.raises(NotFound):
        review_get(user=anonymous, review_id=review.pk)


def test_blocked_author_sees_nothing(customer, review):
    customer.is_active = False

    assert list(review_list(user=customer)) == []


def test_default_list_is_only_the_users_own(other_customer, other_professional, review):
    assert list(review_list(user=other_customer)) == []
    assert list(review_list(user=other_professional)) == []


def test_review_get_rejects_a_malformed_id(customer):
    with pytest.raises(NotFound):
        review_get(user=customer, review_id="abc")


def test_review_for_request_follows_the_requests_visibility(
    customer, other_customer, professional, other_professional, admin_user, review
):
    for user in (customer, professional, admin_user):
        assert review_for_request(user=user, request_id=review.request_id) == review
    for user in (other_customer, other_professional):
        with pytest.raises(NotFound) as caught:
            review_for_request(user=user, request_id=review.request_id)
        assert caught.value.code == "not_found"
