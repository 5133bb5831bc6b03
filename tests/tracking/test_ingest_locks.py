"""What a batch locks, on real concurrent PostgreSQL sessions: a batch in progress on a request
does not hold up another batch on it (they used to queue behind the request's row lock), but a
transition of the request waits for it, so no point lands on a request closed meanwhile.

Thread A opens a transaction and does what a batch does up to its last step (the request
share-locked, the points inserted), then holds it open; the test's own session, with a
``lock_timeout``, acts meanwhile.
"""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from requests_app.models import ServiceRequest, Status
from tests.tracking.factories import track_json
from tracking import ingest
from tracking.models import LocationUpdate
from tracking.services import location_batch_record
from tracking.validation import CleanPoint

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def open_batch():
    """``open_batch(request, professional)``: a batch's insert in a transaction of thread A's,
    held open until the returned ``finish()`` commits it."""
    threads = []

    def start(service_request, professional, moment=None):
        ready, release = threading.Event(), threading.Event()
        moment = moment or timezone.now() - timedelta(minutes=5)

        def run():
            try:
                with transaction.atomic():
                    ingest.request_share_lock(request_id=service_request.pk, visible_to=professional)
                    point = CleanPoint(Decimal("12.9"), Decimal("77.5"), 5, moment, "held-1")
                    ingest.insert_rows(
                        request_id=service_request.pk,
                        user_id=professional.pk,
                        points=[point],
                        now=moment,
                        skip=False,
                    )
                    ready.set()
                    release.wait(timeout=30)
            finally:
                connection.close()

        thread = threading.Thread(target=run)
        thread.start()
        threads.append((thread, release))
        assert ready.wait(timeout=10)

        def finish():
            release.set()
            thread.join(timeout=30)

        return finish

    yield start
    for thread, release in threads:
        release.set()
        thread.join(timeout=30)


def lock_timeout(milliseconds):
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{int(milliseconds)}ms'")


def test_a_batch_goes_through_while_another_on_the_same_request_is_in_progress(
    en_route_request, professional, open_batch
):
    assert connection.vendor == "postgresql", "the locks are only real on PostgreSQL"
    finish = open_batch(en_route_request, professional)

    with transaction.atomic():
        lock_timeout(2000)  # the old FOR NO KEY UPDATE queued here until the other committed
        batch = location_batch_record(request_id=en_route_request.pk, user=professional, points=track_json(3))
    finish()

    assert (batch.accepted, batch.duplicates) == (3, 0)
    assert LocationUpdate.objects.filter(request=en_route_request).count() == 4


def test_a_transition_waits_for_a_batch_in_progress(en_route_request, professional, open_batch):
    assert connection.vendor == "postgresql", "the locks are only real on PostgreSQL"
    finish = open_batch(en_route_request, professional)

    with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
        lock_timeout(500)
        ServiceRequest.objects.select_for_update().get(pk=en_route_request.pk)  # as every transition
    finish()

    with transaction.atomic():
        lock_timeout(2000)
        locked = ServiceRequest.objects.select_for_update().get(pk=en_route_request.pk)
    assert locked.status == Status.EN_ROUTE  # the batch committed first, then the transition
    assert LocationUpdate.objects.filter(request=en_route_request).count() == 1


def test_a_request_cannot_be_deleted_under_a_batch_in_progress(en_route_request, professional, open_batch):
    """What the points' foreign key to the request used to check point by point, the batch's
    share lock holds for the whole batch: the request's row stays until the points are in."""
    assert connection.vendor == "postgresql", "the locks are only real on PostgreSQL"
    finish = open_batch(en_route_request, professional)

    with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
        lock_timeout(500)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM requests_app_servicerequest WHERE id = %s", [en_route_request.pk])
    finish()

    assert ServiceRequest.objects.filter(pk=en_route_request.pk).exists()
    assert LocationUpdate.objects.filter(request=en_route_request).count() == 1


def test_a_batch_resent_while_the_first_is_still_being_written_records_only_its_new_points(
    en_route_request, professional, open_batch
):
    """The resent batch's plain insert waits on the first one's point, fails on it once that
    commits, and is done again skipping it (tracking.ingest)."""
    moment = (timezone.now() - timedelta(minutes=5)).replace(microsecond=0)
    finish = open_batch(en_route_request, professional, moment=moment)
    held = {"latitude": "12.9", "longitude": "77.5", "recorded_at": moment.isoformat(), "client_id": "held-1"}
    new = {
        "latitude": "12.91",
        "longitude": "77.51",
        "recorded_at": (moment + timedelta(seconds=5)).isoformat(),
    }
    answers = []

    def resend():
        try:
            batch = location_batch_record(
                request_id=en_route_request.pk, user=professional, points=[held, new]
            )
            answers.append((batch.accepted, batch.duplicates))
        finally:
            connection.close()

    thread = threading.Thread(target=resend)
    thread.start()
    thread.join(timeout=1)
    assert thread.is_alive()  # waiting on the first batch's point, not skipping it unseen
    finish()
    thread.join(timeout=30)

    assert answers == [(1, 1)]
    stored = LocationUpdate.objects.filter(request=en_route_request).order_by("recorded_at")
    assert [(p.client_id, p.latitude) for p in stored] == [
        ("held-1", Decimal("12.900000")),
        (None, Decimal("12.910000")),
    ]
