"""Celery tasks of requests_app: the dispatch rounds (a countdown per round, and a beat sweep
every few seconds), the off-session charge of a cancellation fee, and the auto-close of completed
requests. Thin wrappers around requests_app.offers, requests_app.money.fee_charge and
requests_app.auto_close; all idempotent."""

from householdsvc.core.tasks import robust_task
from requests_app.auto_close import completed_requests_close
from requests_app.money import fee_charge
from requests_app.offers import offer_round_advance, offers_sweep


@robust_task(name="requests_app.tasks.dispatch_round_due", minutes=1, retry_backoff=2)
def dispatch_round_due(request_id: int, round_number: int) -> dict:
    # Safe to run twice or late: it advances only the round it names, under the row lock.
    return {"advanced": offer_round_advance(request_id=request_id, after_round=round_number)}


@robust_task(name="requests_app.tasks.dispatch_sweep", minutes=1, max_retries=1)
def dispatch_sweep() -> dict:
    # Catches rounds whose countdown was lost (a worker or the broker down): idempotent.
    return {"advanced": offers_sweep()}


@robust_task(name="requests_app.tasks.fee_charge_off_session", minutes=2, max_retries=1)
def fee_charge_off_session(fee_id: int) -> dict:
    # Safe to run twice: the fee's idempotency key, and only a pending fee is charged.
    return {"outcome": fee_charge.fee_charge_off_session(fee_id=fee_id)}


@robust_task(name="requests_app.tasks.fee_charges_sweep", minutes=5, max_retries=1)
def fee_charges_sweep() -> dict:
    # Catches off-session fee charges whose task was lost: idempotent like the charge itself.
    return {"charged": fee_charge.fee_charges_sweep()}


@robust_task(name="requests_app.tasks.close_completed_requests", minutes=5)
def close_completed_requests() -> dict:
    # Beat, hourly: completed requests nobody closed within CLOSE_AFTER_DAYS. Idempotent.
    return {"closed": completed_requests_close()}
