"""Daily reminders, monthly reports and retention: each sends or deletes once, even run twice."""

import datetime as dt
import importlib
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from pypdf import PdfReader

from exports.models import ExportJob, ExportStatus, NotificationKind, SentNotification
from exports.reminders import daily_reminders_send
from exports.reports import monthly_activity, monthly_reports_send, previous_month
from exports.services import export_files_prune, export_job_run, export_jobs_fail_stale
from requests_app.models import Offer, OfferState, ServiceRequest, Status
from tests.accounts.factories import ProfessionalFactory
from tests.exports.factories import ExportJobFactory, seed_requests
from tests.requests_app.factories import ServiceRequestFactory, request_in_state
from tests.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


# --- Daily reminders ----------------------------------------------------------------------


def test_each_professional_gets_one_email_listing_what_waits_for_them(
    customer, professional, other_professional, service, mailoutbox
):
    assigned = request_in_state(
        Status.ASSIGNED, customer=customer, service=service, professional=professional
    )
    offer = ServiceRequestFactory(customer=customer, service=service)
    request_in_state(
        Status.EN_ROUTE, customer=customer, service=service, professional=professional
    )  # started

    assert daily_reminders_send(day=TODAY) == 2

    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert set(by_recipient) == {professional.email, other_professional.email}
    carol = by_recipient[professional.email]
    assert carol.subject == "2 requests waiting for you"
    assert f"#{assigned.pk} " in carol.body and f"#{offer.pk} " in carol.body
    assert "Assigned to you and not started yet" in carol.body
    dave = by_recipient[other_professional.email]
    assert f"#{offer.pk} " in dave.body and f"#{assigned.pk} " not in dave.body


def test_reminders_run_twice_send_nothing_twice(customer, professional, service, mailoutbox):
    ServiceRequestFactory(customer=customer, service=service)
    assert daily_reminders_send(day=TODAY) == 1
    assert daily_reminders_send(day=TODAY) == 0
    assert len(mailoutbox) == 1
    sent = SentNotification.objects.get()
    assert (sent.kind, sent.recipient, sent.period_key, sent.item_count) == (
        NotificationKind.DAILY_REMINDER,
        professional,
        "2026-11-23",
        1,
    )
    # The next day is a new reminder.
    assert daily_reminders_send(day=TODAY + dt.timedelta(days=1)) == 1


def test_no_reminder_without_waiting_requests_or_for_the_unapproved_and_blocked(
    customer, professional, pending_professional, service, mailoutbox
):
    blocked = ProfessionalFactory(is_active=False, professional_profile__service=service)
    ServiceRequestFactory(customer=customer, service=service, status=Status.CANCELLED)
    assert daily_reminders_send(day=TODAY) == 0
    ServiceRequestFactory(customer=customer, service=service)
    daily_reminders_send(day=TODAY)
    recipients = [message.to[0] for message in mailoutbox]
    assert professional.email in recipients
    assert pending_professional.email not in recipients
    assert blocked.email not in recipients


def test_an_offer_a_professional_turned_down_is_not_listed(customer, professional, service, mailoutbox):
    declined = ServiceRequestFactory(customer=customer, service=service)
    declined.rejected_by.add(professional)
    Offer.objects.filter(request=declined, professional=professional).update(state=OfferState.DECLINED)
    assert daily_reminders_send(day=TODAY) == 0


def test_a_failed_send_is_not_recorded_so_a_retry_sends_it(
    customer, professional, service, mailoutbox, monkeypatch
):
    ServiceRequestFactory(customer=customer, service=service)
    from django.core.mail.backends.locmem import EmailBackend

    original = EmailBackend.send_messages
    monkeypatch.setattr(
        EmailBackend, "send_messages", lambda self, messages: (_ for _ in ()).throw(OSError("SMTP down"))
    )
    with pytest.raises(OSError):
        daily_reminders_send(day=TODAY)
    assert not SentNotification.objects.exists()
    monkeypatch.setattr(EmailBackend, "send_messages", original)
    assert daily_reminders_send(day=TODAY) == 1


# --- Monthly reports ----------------------------------------------------------------------


def _in_october(**fields):
    return timezone.make_aware(dt.datetime(2026, 10, 15, 12, 0)).replace(**fields)


def test_each_active_customer_gets_an_html_report_of_last_month(
    customer, other_customer, professional, service, mailoutbox
):
    completed = request_in_state(
        Status.COMPLETED,
        customer=customer,
        service=service,
        professional=professional,
        final_price=Decimal("45.50"),
    )
    closed = request_in_state(
        Status.CLOSED,
        customer=customer,
        service=service,
        professional=professional,
        final_price=Decimal("20.00"),
    )
    opened = ServiceRequestFactory(customer=customer, service=service)
    ServiceRequest.objects.filter(pk__in=[completed.pk, closed.pk, opened.pk]).update(
        created_at=_in_october(), completed_at=_in_october(day=20)
    )
    ServiceRequest.objects.filter(pk=opened.pk).update(completed_at=None)
    review = ReviewFactory(request=completed, customer=customer, professional=professional)
    type(review).objects.filter(pk=review.pk).update(created_at=_in_october(day=21))
    ServiceRequestFactory(customer=other_customer, service=service)  # this month: not in the report

    assert monthly_reports_send(month=dt.date(2026, 10, 1)) == 1

    (message,) = mailoutbox
    assert message.to == [customer.email]
    assert message.subject == "Your householdsvc activity in October 2026"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    figures = [
        ("Requests opened", "3"),
        ("Requests completed", "2"),
        ("Amount spent", "₹65.50"),
        ("Reviews given", "1"),
    ]
    for label, value in figures:
        assert label in html
        assert f">{value}</td>" in html
    assert "Amount spent:        ₹65.50" in message.body
    # The same content as a PDF, with the chart of the month's jobs (three opened on the 15th).
    [(filename, content, pdf_mimetype)] = message.attachments
    assert (filename, pdf_mimetype) == ("activity-2026-10.pdf", "application/pdf")
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    for label, value in [*figures[:2], ("Amount spent", "65.50 INR"), figures[3]]:
        assert f"{label} {value}" in text
    assert "Jobs opened per day" in text
    assert monthly_activity(month=dt.date(2026, 10, 1))[customer.pk]["by_day"] == {15: 3}


def test_monthly_reports_run_twice_send_nothing_twice(customer, service, mailoutbox):
    opened = ServiceRequestFactory(customer=customer, service=service)
    ServiceRequest.objects.filter(pk=opened.pk).update(created_at=_in_october())
    assert monthly_reports_send(month=dt.date(2026, 10, 1)) == 1
    assert monthly_reports_send(month=dt.date(2026, 10, 1)) == 0
    assert len(mailoutbox) == 1
    assert SentNotification.objects.get().period_key == "2026-10"


def test_previous_month_crosses_the_year():
    assert previous_month(dt.date(2026, 1, 31)) == dt.date(2025, 12, 1)
    assert previous_month(dt.date(2026, 3, 1)) == dt.date(2026, 2, 1)


# --- Retention ----------------------------------------------------------------------------


def test_files_older_than_the_retention_period_are_deleted(customer, service, settings):
    settings.EXPORT_RETENTION_DAYS = 7
    seed_requests(2, service=service, customer=customer)
    old = export_job_run(job_id=ExportJobFactory().pk)
    recent = export_job_run(job_id=ExportJobFactory().pk)
    ExportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    storage = ExportJob.file.field.storage
    old_name = old.file.name

    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert export_files_prune() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == ExportStatus.EXPIRED and not old.file
    assert not storage.exists(old_name)
    assert recent.status == ExportStatus.COMPLETED and storage.exists(recent.file.name)
    assert export_files_prune() == 0


def test_jobs_left_running_past_any_time_limit_are_failed(admin_user):
    stale = ExportJobFactory(status=ExportStatus.RUNNING, started_at=timezone.now() - dt.timedelta(hours=3))
    fresh = ExportJobFactory(status=ExportStatus.RUNNING, started_at=timezone.now())
    ExportJob.file.field.storage.save(f"exports/{stale.pk}/half.csv", io.BytesIO(b"id\n"))
    assert export_jobs_fail_stale() == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == ExportStatus.FAILED and "given up" in stale.error
    assert fresh.status == ExportStatus.RUNNING


def test_jobs_whose_task_never_reached_the_broker_are_failed_in_the_end(admin_user, mailoutbox):
    lost = ExportJobFactory(status=ExportStatus.PENDING)
    ExportJob.objects.filter(pk=lost.pk).update(created_at=timezone.now() - dt.timedelta(hours=3))
    queued = ExportJobFactory(status=ExportStatus.PENDING)

    assert export_jobs_fail_stale() == 1

    lost.refresh_from_db()
    queued.refresh_from_db()
    assert lost.status == ExportStatus.FAILED and "never started" in lost.error
    assert queued.status == ExportStatus.PENDING


# --- The beat schedule ----------------------------------------------------------------------


def test_the_schedule_migration_creates_the_beat_rows_once():
    # Transactional tests flush the data the migration wrote, so run its function again here
    # (twice: it must not duplicate, nor overwrite an admin's edits).
    from django.apps import apps

    migration = importlib.import_module("exports.migrations.0003_schedules")
    migration.create_schedules(apps, None)
    PeriodicTask.objects.filter(task="exports.tasks.prune_export_files").update(enabled=False)
    migration.create_schedules(apps, None)
    # The reminders' task was renamed when it moved to exports; the next migration follows it.
    importlib.import_module("exports.migrations.0005_reminders_task_name").rename(apps, None)

    assert PeriodicTask.objects.filter(task="exports.tasks.prune_export_files", enabled=False).count() == 1
    PeriodicTask.objects.filter(task="exports.tasks.prune_export_files").update(enabled=True)
    tasks = dict(PeriodicTask.objects.filter(enabled=True).values_list("task", "crontab__hour"))
    assert tasks["exports.tasks.send_daily_reminders"] == "7"
    assert tasks["exports.tasks.send_monthly_reports"] == "6"
    assert tasks["exports.tasks.prune_export_files"] == "3"
    monthly = PeriodicTask.objects.get(task="exports.tasks.send_monthly_reports")
    assert monthly.crontab.day_of_month == "1"


def test_every_scheduled_task_is_registered_with_the_celery_app():
    from householdsvc.celery import app

    app.loader.import_default_modules()
    for task in PeriodicTask.objects.exclude(task="celery.backend_cleanup").values_list("task", flat=True):
        assert task in app.tasks


def test_run_scheduled_jobs_command_runs_everything_once(customer, professional, service, mailoutbox):
    from django.core.management import call_command

    ServiceRequestFactory(customer=customer, service=service)
    out = io.StringIO()
    call_command("run_scheduled_jobs", stdout=out)
    call_command("run_scheduled_jobs", stdout=out)
    assert [message.to for message in mailoutbox] == [[professional.email]]
    assert "1 reminders" in out.getvalue() and "0 reminders" in out.getvalue()
