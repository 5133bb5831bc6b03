"""Booking reminders: the customer the evening before (from 18:00 local), the professional 60
minutes before; once each, by beat; a moved booking is reminded again for its new time."""

from datetime import timedelta

import pytest
from django.core import mail
from django_celery_beat.models import PeriodicTask

from exports.booking_reminders import booking_reminders_send
from exports.models import SentNotification
from requests_app.models import Status
from tests.requests_app.factories import request_in_state
from tests.requests_app.schedule_helpers import at, local_day

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kolkata(settings):
    settings.TIME_ZONE = "Asia/Kolkata"


@pytest.fixture
def job(customer, service, professional):
    start = at(local_day(2), "10:00")
    return request_in_state(
        Status.ASSIGNED,
        customer=customer,
        service=service,
        professional=professional,
        scheduled_for=start,
        busy_from=start,
        busy_until=start + timedelta(hours=1),
    )


def test_the_customer_is_reminded_the_evening_before_once(job):
    assert booking_reminders_send(now=at(local_day(1), "17:55")) == {"customers": 0, "professionals": 0}

    assert booking_reminders_send(now=at(local_day(1), "18:00")) == {"customers": 1, "professionals": 0}
    assert booking_reminders_send(now=at(local_day(1), "21:00")) == {"customers": 0, "professionals": 0}

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["alice@example.com"], f"Tomorrow at 10:00: Deep cleaning (request #{job.pk})")
    ]
    assert "with Carol Pro" in mail.outbox[0].body
    ledger = SentNotification.objects.get()
    assert (ledger.kind, ledger.period_key) == ("booking_eve", f"{job.pk}@{local_day(2).isoformat()}T10:00")


def test_the_professional_is_reminded_an_hour_before_once(job):
    assert booking_reminders_send(now=at(local_day(2), "08:59")) == {"customers": 0, "professionals": 0}

    assert booking_reminders_send(now=at(local_day(2), "09:00")) == {"customers": 0, "professionals": 1}
    assert booking_reminders_send(now=at(local_day(2), "09:40")) == {"customers": 0, "professionals": 0}

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["carol@example.com"], f"Soon, at 10:00: job #{job.pk}, Deep cleaning")
    ]


def test_a_moved_booking_is_reminded_again_and_a_started_one_not(job, customer, service, professional):
    booking_reminders_send(now=at(local_day(1), "19:00"))
    job.scheduled_for = at(local_day(2), "11:00")
    job.save(update_fields=["scheduled_for"])
    on_the_way = request_in_state(
        Status.EN_ROUTE,
        customer=customer,
        service=service,
        professional=professional,
        scheduled_for=at(local_day(2), "09:30"),
    )

    assert booking_reminders_send(now=at(local_day(1), "19:05")) == {"customers": 1, "professionals": 0}
    assert booking_reminders_send(now=at(local_day(2), "09:00")) == {"customers": 0, "professionals": 0}
    assert booking_reminders_send(now=at(local_day(2), "10:00")) == {"customers": 0, "professionals": 1}
    assert on_the_way.pk not in [
        int(key.split("@")[0]) for key in SentNotification.objects.values_list("period_key", flat=True)
    ]


def test_the_beat_row_exists():
    assert PeriodicTask.objects.get(name="Booking reminders").task == "exports.tasks.send_booking_reminders"
