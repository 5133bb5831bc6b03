"""Celery tasks of requests_app: the dispatch rounds (a countdown per round, and a beat sweep
every few seconds). Thin wrappers around requests_app.offers; both idempotent."""

from householdsvc.core.tasks import robust_task
from requests_app.auto_close import completed_requests_close
from requests_app.offers import offer_round_advance, offers_sweep


@robust_task(name="requests_app.tasks.dispatch_round_due", minutes=1, retry_backoff=2)
def dispatch_round_due(request_id: int, round_number: int) -> dict:
    # Safe to run twice or late: it advances only the round it names, under the row lock.
    return {"advanced": offer_round_advance(request_id=request_id, after_round=round_number)}


@robust_task(name="requests_app.tasks.dispatch_sweep", minutes=1, max_retries=1)
def dispatch_sweep() -> dict:
    # Catches rounds whose countdown was lost (a worker or the broker down): idempotent.
    return {"advanced": offers_sweep()}


@robust_task(name="requests_app.tasks.close_completed_requests", minutes=5)
def close_completed_requests() -> dict:
    # Beat, hourly: completed requests nobody closed within CLOSE_AFTER_DAYS. Idempotent.
    return {"closed": completed_requests_close()}
