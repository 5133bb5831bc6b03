"""completed → closed by itself after CLOSE_AFTER_DAYS (DESIGN's status machine): beat's hourly
job closes what nobody closed, once, with an event by the system in the trail and both sides
told; never while a price change waits for the customer or an admin, or a payment is in flight."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from accounts.models import Notification
from requests_app.auto_close import completed_requests_close
from requests_app.models import PaymentStatus, RequestEvent, ServiceRequest, Status
from requests_app.money.models import PriceChange
from requests_app.tasks import close_completed_requests
from tests.exports.conftest import celery_worker  # noqa: F401 (a fixture: a real worker)
from tests.requests_app.factories import request_in_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(customer, professional, service, settings):
    settings.CLOSE_AFTER_DAYS = 7

    def make(days_ago, **fields):
        job = request_in_state(
            Status.COMPLETED, professional=professional, customer=customer, service=service, **fields
        )
        ServiceRequest.objects.filter(pk=job.pk).update(
            completed_at=timezone.now() - timedelta(days=days_ago)
        )
        return job

    return make


def status(job):
    return ServiceRequest.objects.get(pk=job.pk).status


def test_beat_runs_it_every_hour_and_the_setting_is_seven_days_by_default():
    assert django_settings.CELERY_BEAT_SCHEDULE["requests-close-completed"] == {
        "task": "requests_app.tasks.close_completed_requests",
        "schedule": 3600.0,
    }
    assert django_settings.CLOSE_AFTER_DAYS == 7


def test_a_job_completed_more_than_the_days_ago_closes_by_itself_once(
    completed, customer, professional, django_capture_on_commit_callbacks
):
    old, recent = completed(8), completed(6)
    with django_capture_on_commit_callbacks(execute=True):
        assert completed_requests_close() == 1
        assert completed_requests_close() == 0
    assert (status(old), status(recent)) == (Status.CLOSED, Status.COMPLETED)
    assert ServiceRequest.objects.get(pk=old.pk).closed_at is not None
    events = RequestEvent.objects.filter(request=old, action="close")
    assert [(e.from_status, e.to_status, e.actor_id, e.note) for e in events] == [
        ("completed", "closed", None, "Closed by itself 7 days after completion.")
    ]
    told = Notification.objects.filter(request_id=old.pk).order_by("recipient_id")
    assert [(n.recipient_id, n.title, n.body) for n in told] == [
        (customer.pk, f"Your request #{old.pk} is closed", "It closed by itself 7 days after completion."),
        (professional.pk, f"Request #{old.pk} is closed", "It closed by itself 7 days after completion."),
    ]


def test_not_while_a_price_change_waits_or_is_disputed_nor_while_a_payment_is_in_flight(completed):
    waiting, disputed, approved, paying = completed(9), completed(9), completed(9), completed(9)
    for job, state in ((waiting, "pending"), (disputed, "declined"), (approved, "approved")):
        PriceChange.objects.create(
            request=job,
            estimate=Decimal("40.00"),
            proposed_price=Decimal("90.00"),
            reason="Two leaks",
            status=state,
        )
    ServiceRequest.objects.filter(pk=paying.pk).update(payment_status=PaymentStatus.PENDING)
    assert completed_requests_close() == 1
    assert [status(job) for job in (waiting, disputed, approved, paying)] == [
        Status.COMPLETED,
        Status.COMPLETED,
        Status.CLOSED,
        Status.COMPLETED,
    ]


def test_the_request_page_shows_the_close_by_itself(completed, customer):
    job = completed(8)
    completed_requests_close()
    client = Client()
    client.force_login(customer)
    page = client.get(f"/requests/{job.pk}/").content.decode()
    assert "· by itself" in page


@pytest.mark.django_db(transaction=True)
def test_the_task_closes_through_a_real_worker(completed, celery_worker):  # noqa: F811
    job = completed(8)
    assert close_completed_requests.delay().get(timeout=30) == {"closed": 1}
    assert close_completed_requests.delay().get(timeout=30) == {"closed": 0}
    assert status(job) == Status.CLOSED
