"""Celery tasks of requests_app: the daily reminder to professionals (beat runs it at 07:00)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from requests_app.reminders import daily_reminders_send


@shared_task(
    name="requests_app.tasks.send_daily_reminders",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=50 * 60,
    time_limit=55 * 60,
    autoretry_for=(OperationalError, InterfaceError, OSError),
    max_retries=3,
    retry_backoff=60,
)
def send_daily_reminders() -> dict:
    # Safe to retry or run twice: each reminder is recorded as sent with it.
    return {"sent": daily_reminders_send()}
