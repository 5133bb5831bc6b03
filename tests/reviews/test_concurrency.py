"""Reviews written at the same moment, each in its own PostgreSQL session.

Threads get their own database connection from Django, a barrier releases them together, and
``transaction=True`` lets each commit for real, so the profile's row lock is what keeps the
aggregate right — nothing is mocked.
"""

import threading
from decimal import Decimal

import pytest

from householdsvc.core.errors import Conflict
from reviews.models import Review
from reviews.services import review_create, review_update
from tests.accounts.factories import ProfessionalFactory
from tests.reviews.factories import service_request_in_state

pytestmark = pytest.mark.django_db(transaction=True)


def _run_together(calls):
    """Run each call in its own thread and session, all released at once; return the outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as exc:
            outcomes[index] = exc
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_eight_simultaneous_reviews_of_one_professional_all_count():
    professional = ProfessionalFactory()
    ratings = [1, 2, 3, 4, 5, 5, 4, 3]  # 27 / 8 = 3.375, which rounds half up to 3.38
    requests = [service_request_in_state(professional=professional) for _ in ratings]

    outcomes = _run_together(
        [
            lambda r=service_request, n=rating: review_create(request_id=r.pk, customer=r.customer, rating=n)
            for service_request, rating in zip(requests, ratings, strict=True)
        ]
    )

    assert all(isinstance(outcome, Review) for outcome in outcomes), outcomes
    profile = professional.professional_profile
    profile.refresh_from_db()
    assert (profile.rating_count, profile.average_rating) == (8, Decimal("3.38"))


def test_two_simultaneous_reviews_of_one_request_one_wins():
    service_request = service_request_in_state()

    outcomes = _run_together(
        [
            lambda n=rating: review_create(
                request_id=service_request.pk, customer=service_request.customer, rating=n
            )
            for rating in (5, 1)
        ]
    )

    winners = [outcome for outcome in outcomes if isinstance(outcome, Review)]
    losers = [outcome for outcome in outcomes if isinstance(outcome, Conflict)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert losers[0].code == "already_reviewed"
    profile = service_request.professional.professional_profile
    profile.refresh_from_db()
    assert (profile.rating_count, profile.average_rating) == (1, Decimal(winners[0].rating))


def test_edit_racing_new_reviews_keeps_the_aggregate_exact():
    professional = ProfessionalFactory()
    first = service_request_in_state(professional=professional)
    edited = review_create(request_id=first.pk, customer=first.customer, rating=1)
    others = [service_request_in_state(professional=professional) for _ in range(5)]

    calls = [lambda: review_update(review_id=edited.pk, customer=first.customer, rating=5)]
    calls += [lambda r=r: review_create(request_id=r.pk, customer=r.customer, rating=2) for r in others]
    outcomes = _run_together(calls)

    assert all(isinstance(outcome, Review) for outcome in outcomes), outcomes
    profile = professional.professional_profile
    profile.refresh_from_db()
    assert (profile.rating_count, profile.average_rating) == (6, Decimal("2.50"))  # (5 + 5*2) / 6
