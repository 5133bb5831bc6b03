"""Celery tasks of requests_app: the daily reminder to professionals (beat runs it at 07:00) and
the dispatch rounds (a countdown per round, and a beat sweep every few seconds)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from requests_app.offers import offer_round_advance, offers_sweep
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


@shared_task(
    name="requests_app.tasks.dispatch_round_due",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=50,
    time_limit=60,
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=3,
    retry_backoff=2,
)
def dispatch_round_due(request_id: int, round_number: int) -> dict:
    # Safe to run twice or late: it advances only the round it names, under the row lock.
    return {"advanced": offer_round_advance(request_id=request_id, after_round=round_number)}


@shared_task(
    name="requests_app.tasks.dispatch_sweep",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=50,
    time_limit=60,
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=1,
)
def dispatch_sweep() -> dict:
    # Catches rounds whose countdown was lost (a worker or the broker down): idempotent.
    return {"advanced": offers_sweep()}
