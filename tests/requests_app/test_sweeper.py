"""`make run` has tasks in-process and no beat: the embedded server's sweeper thread
(requests_app.sweeper) makes an unanswered round expire and the next one go out, as beat would."""

import time

import pytest
from django.utils import timezone

from requests_app import sweeper
from requests_app.models import Offer, ServiceRequest
from tests.requests_app.test_offers import offered, operator, roadside_request


@pytest.fixture
def quick_rounds(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.DISPATCH_BATCH = 1
    settings.DISPATCH_OFFER_SECONDS = 3
    settings.DISPATCH_MAX_ROUNDS = 2


def wait_for(check, seconds=15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_without_a_worker_the_sweeper_thread_advances_expired_rounds(
    quick_rounds, customer, dispatch_service
):
    operator(dispatch_service, "Ann", 1)
    operator(dispatch_service, "Ben", 2)
    service_request = roadside_request(customer, dispatch_service)
    # The in-process countdown ran at once, while Ann's offer was live; past its expiry nothing
    # moves by itself.
    expires_at = Offer.objects.get(request=service_request).expires_at
    time.sleep(max(0.0, (expires_at - timezone.now()).total_seconds()) + 0.5)
    assert offered(service_request) == [("Ann", 1, "open")]

    started = sweeper.start_sweeper(interval=0.2)
    assert started is not None
    thread, stop = started
    try:
        assert wait_for(lambda: len(offered(service_request)) == 2)
        assert offered(service_request) == [("Ann", 1, "expired"), ("Ben", 2, "open")]
        # After the last round, nobody is left: unmatched, once.
        assert wait_for(lambda: ServiceRequest.objects.get(pk=service_request.pk).unmatched_at is not None)
        assert offered(service_request) == [("Ann", 1, "expired"), ("Ben", 2, "expired")]
    finally:
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()


def test_the_thread_starts_only_with_tasks_in_process_and_an_interval(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.DISPATCH_SWEEP_THREAD_SECONDS = 5
    assert sweeper.start_sweeper() is None  # a worker and beat do it

    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.DISPATCH_SWEEP_THREAD_SECONDS = 0
    assert sweeper.start_sweeper() is None  # the test suite's default


def test_make_runs_embedded_settings_sweep_every_five_seconds():
    from householdsvc.settings import local

    assert local.DISPATCH_SWEEP_THREAD_SECONDS == 5
