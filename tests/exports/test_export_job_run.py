"""Writing the CSV in-process (PostgreSQL COPY): content, progress, failure and idempotence."""

import csv
import io
from decimal import Decimal

import pytest
from celery.exceptions import Retry
from django.db import OperationalError
from django.db.models.signals import pre_save

from exports import services, writers
from exports.models import ExportJob, ExportStatus
from exports.services import export_job_fail, export_job_run
from exports.tasks import run_export
from requests_app.models import Status
from reviews.models import Review
from tests.exports.conftest import read_csv
from tests.exports.factories import ExportJobFactory, seed_requests
from tests.exports.helpers import assert_requests_csv_matches
from tests.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def stored_files(job_id):
    storage = ExportJob.file.field.storage
    try:
        return storage.listdir(f"exports/{job_id}")[1]
    except FileNotFoundError:
        return []


def test_csv_matches_the_database_row_for_row(customer, professional, service):
    seed_requests(25, service=service, customer=customer, professional=professional)
    job = ExportJobFactory()

    job = export_job_run(job_id=job.pk)

    assert job.status == ExportStatus.COMPLETED
    assert job.row_count == job.rows_done == job.rows_total == 25
    assert job.progress == 1.0
    assert_requests_csv_matches(read_csv(job))


def test_filters_select_the_rows(customer, professional, service, dispatch_service):
    seed_requests(6, service=service, customer=customer, professional=professional)
    seed_requests(3, service=dispatch_service, customer=customer)
    job = ExportJobFactory(filters={"service": service.pk, "status": "completed", "pin_code": "560002"})

    job = export_job_run(job_id=job.pk)

    rows = read_csv(job)
    assert rows, "some rows match"
    assert {row["service"] for row in rows} == {service.name}
    assert {row["status"] for row in rows} == {Status.COMPLETED}
    assert {row["pin_code"] for row in rows} == {"560002"}
    assert job.row_count == len(rows)


def test_text_with_quotes_commas_and_line_breaks_survives(customer, service):
    customer.full_name = 'Alice "Ally", Customer\nthe second'
    customer.save()
    seed_requests(2, service=service, customer=customer)
    job = export_job_run(job_id=ExportJobFactory().pk)
    assert [row["customer_name"] for row in read_csv(job)] == [customer.full_name] * 2


def test_reviews_and_professionals_exports(professional, other_professional):
    review = ReviewFactory(rating=5, comment='Great, "really"')
    ReviewFactory(rating=2)
    reviews_job = export_job_run(job_id=ExportJobFactory(kind="reviews", filters={"rating": 5}).pk)
    assert [(int(r["id"]), r["rating"], r["comment"]) for r in read_csv(reviews_job)] == [
        (review.pk, "5", review.comment)
    ]
    assert Review.objects.count() == 2

    pros_job = export_job_run(
        job_id=ExportJobFactory(kind="professionals", filters={"ids": [professional.pk]}).pk
    )
    (row,) = read_csv(pros_job)
    assert (row["email"], row["verification_status"], row["active"]) == (
        professional.email,
        "approved",
        "yes",
    )
    assert Decimal(row["average_rating"]) == professional.professional_profile.average_rating


def test_progress_is_recorded_every_n_rows_not_per_row(customer, service, monkeypatch):
    seed_requests(30, service=service, customer=customer)
    monkeypatch.setattr(writers, "PROGRESS_EVERY_ROWS", 10)
    reported = []
    original = services._ProgressRecorder.__call__

    def spy(recorder, rows_done):
        reported.append(rows_done)
        original(recorder, rows_done)

    monkeypatch.setattr(services._ProgressRecorder, "__call__", spy)
    export_job_run(job_id=ExportJobFactory().pk)
    assert reported == [10, 20, 30]


def test_a_completed_job_is_not_redone(customer, service):
    seed_requests(3, service=service, customer=customer)
    job = export_job_run(job_id=ExportJobFactory().pk)
    first_file = job.file.name
    seed_requests(3, service=service, customer=customer)

    again = export_job_run(job_id=job.pk)

    assert again.file.name == first_file
    assert again.row_count == 3


def test_a_job_left_running_by_a_dead_worker_restarts_from_scratch(customer, service):
    """What a redelivered message finds: the job running, perhaps a stray file of the dead attempt."""
    seed_requests(4, service=service, customer=customer)
    job = ExportJobFactory(status=ExportStatus.RUNNING, rows_done=2, rows_total=4)
    storage = ExportJob.file.field.storage
    storage.save(f"exports/{job.pk}/stray.csv", io.BytesIO(b"id\n1\n"))

    job = export_job_run(job_id=job.pk)

    assert job.status == ExportStatus.COMPLETED
    assert job.row_count == 4
    assert stored_files(job.pk) == [job.file.name.rsplit("/", 1)[-1]]


def test_an_error_while_writing_leaves_no_file_and_fails_the_job(customer, service, monkeypatch):
    seed_requests(3, service=service, customer=customer)
    job = ExportJobFactory()

    def half_then_boom(kind, filters, out, on_progress):
        out.write(b"id,status\n1,requested\n")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "write_csv", half_then_boom)
    with pytest.raises(RuntimeError):
        run_export.apply(args=[job.pk], throw=True)

    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert job.error == "RuntimeError: disk on fire"
    assert not job.file
    assert stored_files(job.pk) == []


def test_a_failure_after_the_file_was_stored_removes_it(customer, service, monkeypatch):
    seed_requests(2, service=service, customer=customer)
    job = ExportJobFactory()

    def refuse_completion(sender, instance, **kwargs):
        if instance.status == ExportStatus.COMPLETED:
            raise RuntimeError("database went away at the last moment")

    pre_save.connect(refuse_completion, sender=ExportJob)
    try:
        with pytest.raises(RuntimeError):
            export_job_run(job_id=job.pk)
    finally:
        pre_save.disconnect(refuse_completion, sender=ExportJob)
    job.refresh_from_db()
    assert job.status == ExportStatus.RUNNING  # the task decides: retry or fail
    assert stored_files(job.pk) == []


def test_run_eagerly_a_transient_error_fails_the_job_at_once(customer, service, monkeypatch):
    """The embedded default has no broker to retry through (the worker tests cover retries)."""
    job = ExportJobFactory()

    def flaky(*args):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "write_csv", flaky)
    # autoretry_for still asks for a retry, which eager execution raises instead of queuing.
    with pytest.raises(Retry):
        run_export.apply(args=[job.pk], throw=True)

    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert job.error == "OperationalError: server closed the connection unexpectedly"


def test_failing_a_completed_job_changes_nothing(customer, service):
    job = export_job_run(job_id=ExportJobFactory().pk)
    export_job_fail(job_id=job.pk, error="late failure report")
    job.refresh_from_db()
    assert job.status == ExportStatus.COMPLETED
    assert job.error == ""


def test_the_requester_is_emailed_when_the_job_finishes_or_fails(
    customer, service, mailoutbox, django_capture_on_commit_callbacks
):
    seed_requests(2, service=service, customer=customer)
    with django_capture_on_commit_callbacks(execute=True):
        done = export_job_run(job_id=ExportJobFactory().pk)
    with django_capture_on_commit_callbacks(execute=True):
        failed = export_job_fail(job_id=ExportJobFactory().pk, error="ValueError: bad date")

    assert [m.to for m in mailoutbox] == [[done.requested_by.email], [failed.requested_by.email]]
    assert "is ready (2 rows)" in mailoutbox[0].subject
    assert f"/exports/{done.pk}/download/" in mailoutbox[0].body
    assert "failed" in mailoutbox[1].subject
    assert "ValueError: bad date" in mailoutbox[1].body


def test_sqlite_style_iterator_writer_gives_the_same_rows(customer, professional, service, monkeypatch):
    """The embedded default's path (chunked iterator + csv.writer), run here on PostgreSQL."""
    seed_requests(7, service=service, customer=customer, professional=professional)
    monkeypatch.setattr(writers, "ITERATOR_CHUNK_SIZE", 3)
    out = io.BytesIO()
    rows = writers._write_with_iterator("service_requests", {}, out, lambda done: None)
    assert rows == 7
    parsed = list(csv.DictReader(io.StringIO(out.getvalue().decode())))
    assert_requests_csv_matches(parsed)


@pytest.mark.parametrize("kind", ["service_requests", "reviews"])
def test_created_before_the_last_day_a_date_can_have_selects_everything(
    kind, customer, professional, service
):
    # Its next day overflowed: the job failed, and run eagerly from the API it was a 500.
    seed_requests(3, service=service, customer=customer, professional=professional)
    job = ExportJobFactory(kind=kind, filters={"created_after": "0001-01-01", "created_before": "9999-12-31"})

    job = export_job_run(job_id=job.pk)

    assert job.status == ExportStatus.COMPLETED
    expected = 3 if kind == "service_requests" else Review.objects.count()
    assert job.row_count == expected


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_is_down_leaves_the_finished_export_and_its_file(customer, service, settings):
    # A real SMTP client to a port where nothing listens: the email fails after the commit.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    seed_requests(2, service=service, customer=customer)

    job = export_job_run(job_id=ExportJobFactory().pk)

    job.refresh_from_db()
    assert job.status == ExportStatus.COMPLETED
    assert stored_files(job.pk) == [job.file.name.rsplit("/", 1)[-1]]
