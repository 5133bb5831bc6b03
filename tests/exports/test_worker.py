"""Export jobs through a real Celery worker on Redis and PostgreSQL.

The worker is Celery's testing worker in a thread of this process (see conftest), consuming
the Redis of REDIS_URL; rows are committed (``transaction=True``) so its connection sees them.
"""

import datetime as dt

import pytest
from django.db import OperationalError
from django.utils import timezone

from exports import services
from exports.models import ExportJob, ExportStatus
from exports.services import export_job_create
from requests_app.models import ServiceRequest, Status
from tests.exports.conftest import read_csv, wait_for_job
from tests.exports.factories import ExportJobFactory, seed_requests
from tests.exports.helpers import assert_requests_csv_matches

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_completed_jobs_csv_matches_the_database_row_for_row(
    celery_worker, admin_user, customer, professional, service, mailoutbox
):
    seed_requests(120, service=service, customer=customer, professional=professional)

    job = export_job_create(actor=admin_user, kind="service_requests", filters={"service": service.pk})
    job = wait_for_job(job.pk)

    assert job.status == ExportStatus.COMPLETED, job.error
    assert job.row_count == 120
    assert_requests_csv_matches(read_csv(job), ServiceRequest.objects.filter(service=service))
    assert [m.to for m in mailoutbox] == [[admin_user.email]]


def test_a_filtered_job_exports_only_matching_rows(
    celery_worker, admin_user, customer, professional, service
):
    seed_requests(30, service=service, customer=customer, professional=professional)
    job = export_job_create(actor=admin_user, kind="service_requests", filters={"status": Status.COMPLETED})
    job = wait_for_job(job.pk)
    assert_requests_csv_matches(read_csv(job), ServiceRequest.objects.filter(status=Status.COMPLETED))
    assert job.row_count == 10


def test_a_failing_job_is_marked_failed_with_its_error_and_has_no_file(celery_worker, admin_user, mailoutbox):
    # Filters that escaped validation (written straight to the row) break the query builder.
    job = ExportJobFactory(requested_by=admin_user, filters={"created_after": "not-a-date"})
    from exports.tasks import run_export

    run_export.delay(job.pk)
    job = wait_for_job(job.pk)

    assert job.status == ExportStatus.FAILED
    assert job.error.startswith("ValueError:")
    assert "not-a-date" in job.error
    assert not job.file
    assert job.finished_at is not None
    assert "failed" in mailoutbox[0].subject


def test_a_transient_error_is_retried_through_the_broker(
    celery_worker, admin_user, customer, service, monkeypatch
):
    seed_requests(5, service=service, customer=customer)
    real_write = services.write_csv
    attempts = []

    def flaky(*args):
        attempts.append(1)
        if len(attempts) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_write(*args)

    monkeypatch.setattr(services, "write_csv", flaky)
    job = export_job_create(actor=admin_user, kind="service_requests", filters={})
    job = wait_for_job(job.pk, timeout=30)

    assert len(attempts) == 2
    assert job.status == ExportStatus.COMPLETED
    assert job.row_count == 5


def test_a_job_that_keeps_hitting_transient_errors_fails_after_its_retries(
    celery_worker, admin_user, monkeypatch
):
    from exports.tasks import run_export

    attempts = []

    def always_down(*args):
        attempts.append(1)
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services, "write_csv", always_down)
    monkeypatch.setattr(run_export, "max_retries", 1)
    job = export_job_create(actor=admin_user, kind="reviews", filters={})
    job = wait_for_job(job.pk, timeout=30)

    assert len(attempts) == 2
    assert job.status == ExportStatus.FAILED
    assert job.error == "OperationalError: could not connect to server"
    assert ExportJob.objects.filter(status=ExportStatus.RUNNING).count() == 0


def test_scheduled_jobs_delivered_twice_send_each_email_once(
    celery_worker, customer, professional, service, mailoutbox
):
    from exports.tasks import send_daily_reminders, send_monthly_reports
    from tests.requests_app.factories import ServiceRequestFactory

    waiting = ServiceRequestFactory(customer=customer, service=service)
    last_month = timezone.now().replace(day=1) - dt.timedelta(days=2)
    ServiceRequest.objects.filter(pk=waiting.pk).update(created_at=last_month)

    reminders = [send_daily_reminders.delay(), send_daily_reminders.delay()]
    reports = [send_monthly_reports.delay(), send_monthly_reports.delay()]

    assert sorted(result.get(timeout=15)["sent"] for result in reminders) == [0, 1]
    assert sorted(result.get(timeout=15)["sent"] for result in reports) == [0, 1]
    assert sorted(message.to[0] for message in mailoutbox) == sorted([professional.email, customer.email])
