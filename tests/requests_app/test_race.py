"""Professionals racing for the same request, on real concurrent PostgreSQL sessions.

Each thread has its own database connection and transaction; a barrier releases them together
so their accepts overlap. Nothing is mocked: only the row lock keeps the request from being
given to two professionals (without it every racer reads ``requested`` and "wins").
"""

import threading

import pytest
from django.db import connection

from householdsvc.core.errors import InvalidTransition
from requests_app import services
from requests_app.models import Action, RequestEvent, Status
from tests.accounts.factories import ProfessionalFactory
from tests.requests_app.factories import ServiceRequestFactory

RACERS = 6
ROUNDS = 5


def race(request_id, professionals):
    barrier = threading.Barrier(len(professionals))
    outcomes = {}

    def attempt(professional):
        try:
            barrier.wait(timeout=10)
            services.service_request_accept(request_id=request_id, professional=professional)
            outcomes[professional.pk] = "won"
        except InvalidTransition:
            outcomes[professional.pk] = "409"
        except Exception as exc:  # anything else is a failure the assertions below show
            outcomes[professional.pk] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(professional,)) for professional in professionals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_professionals_accepting_at_once_exactly_one_wins_the_rest_get_409(service):
    assert connection.vendor == "postgresql", "the race is only real on PostgreSQL"
    professionals = [ProfessionalFactory(professional_profile__service=service) for _ in range(RACERS)]

    for _ in range(ROUNDS):
        service_request = ServiceRequestFactory(service=service)

        outcomes = race(service_request.pk, professionals)

        assert sorted(outcomes.values()) == ["409"] * (RACERS - 1) + ["won"], outcomes
        winner = next(pk for pk, outcome in outcomes.items() if outcome == "won")
        service_request.refresh_from_db()
        assert (service_request.status, service_request.professional_id) == (Status.ASSIGNED, winner)
        accepts = RequestEvent.objects.filter(request=service_request, action=Action.ACCEPT)
        assert list(accepts.values_list("actor_id", flat=True)) == [winner]
