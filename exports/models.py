from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.storage import private_storage


class ExportKind(models.TextChoices):
    SERVICE_REQUESTS = "service_requests", _("Service requests")
    PROFESSIONALS = "professionals", _("Professionals")
    REVIEWS = "reviews", _("Reviews")
    EARNINGS = "earnings", _("Earnings ledger")


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")
    # The file was deleted after the retention period (a completed job always has its file).
    EXPIRED = "expired", _("Expired")


def export_file_path(instance, filename):
    return f"exports/{instance.pk}/{filename}"


class ExportJob(models.Model):
    """An admin's request for a CSV of one kind of data, with filters, written by a Celery task.
    It records progress as it goes, the file when done (private: admins download it through a
    checked view), or the error that stopped it."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="export_jobs"
    )
    kind = models.CharField(max_length=32, choices=ExportKind.choices)
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    rows_done = models.PositiveBigIntegerField(default=0)
    rows_total = models.PositiveBigIntegerField(null=True, blank=True)
    row_count = models.PositiveBigIntegerField(null=True, blank=True)
    file = models.FileField(upload_to=export_file_path, storage=private_storage, max_length=255, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=255, blank=True)
    # The outbox: set once the task is on the broker; a pending job without it is re-sent
    # by the minute's sweep (exports.outbox).
    queued_at = models.DateTimeField(null=True, blank=True)
    # Stamped every few seconds by the worker running the job; a running job whose stamp is
    # older than TASK_LOST_AFTER_SECONDS lost its worker and is queued again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ExportKind.values), name="export_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ExportStatus.values), name="export_status_valid"),
            # A completed job always has its file; a failed one never shows one.
            models.CheckConstraint(
                condition=~Q(status=ExportStatus.COMPLETED) | ~Q(file=""), name="export_completed_has_file"
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="export_status_idx")]

    def __str__(self):
        return f"Export #{self.pk} ({self.kind}, {self.status})"

    @property
    def progress(self) -> float | None:
        if not self.rows_total:
            return 1.0 if self.status == ExportStatus.COMPLETED else None
        return min(1.0, self.rows_done / self.rows_total)


class NotificationKind(models.TextChoices):
    DAILY_REMINDER = "daily_reminder", _("Daily reminder to a professional")
    MONTHLY_REPORT = "monthly_report", _("Monthly activity report to a customer")
    # One per booking and time (period_key "<request id>@<start>"): exports.booking_reminders.
    BOOKING_EVE = "booking_eve", _("Reminder to a customer the evening before a booking")
    BOOKING_SOON = "booking_soon", _("Reminder to a professional shortly before a job")


class SentNotification(models.Model):
    """A scheduled email already sent: one per kind, recipient and period (a day's date or a
    month). It is written in the same transaction that decides to send, and the unique
    constraint makes a retried or doubled run skip whoever already has theirs."""

    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_notifications"
    )
    period_key = models.CharField(
        max_length=32, help_text=_("The day (2026-11-23), month (2026-10) or booking (123@2026-11-23T10:00).")
    )
    item_count = models.PositiveIntegerField(default=0, help_text=_("Requests listed, or activity lines."))
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "period_key"], name="sent_notification_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="sent_notification_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["kind", "period_key"], name="sent_notification_period_idx")]

    def __str__(self):
        return f"{self.kind} for user #{self.recipient_id} ({self.period_key})"
