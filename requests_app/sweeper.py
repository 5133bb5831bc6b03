"""Offer rounds without a worker: with tasks in-process (CELERY_TASK_ALWAYS_EAGER, `make run`'s
embedded settings) a round's countdown task runs the moment it is queued, while its offers are
still live, and there is no beat, so an offer nobody answered would never expire. The embedded
server (householdsvc.asgi) then starts this daemon thread: every DISPATCH_SWEEP_THREAD_SECONDS
it runs the beat's sweep (``requests_app.offers.offers_sweep``: idempotent, under each request's
row lock), so expired rounds advance as they would with Celery beat. Off (0) with a worker."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection

from requests_app.offers import offers_sweep

logger = logging.getLogger(__name__)


def sweep_once() -> int:
    try:
        return offers_sweep()
    except Exception:  # the thread must outlive a failed sweep (a database restarting)
        logger.exception("The in-process offer sweep failed; it runs again shortly.")
        return 0
    finally:
        # A thread of its own: its connection is never handed back by a request's end.
        connection.close()


def _loop(interval: float, stop: threading.Event) -> None:
    close_old_connections()
    while not stop.wait(interval):
        sweep_once()


def start_sweeper(interval: float | None = None) -> tuple[threading.Thread, threading.Event] | None:
    """Start the thread when tasks run in-process and DISPATCH_SWEEP_THREAD_SECONDS > 0 (or
    ``interval`` is given); returns (thread, stop event), or None when there is nothing to do."""
    seconds = settings.DISPATCH_SWEEP_THREAD_SECONDS if interval is None else interval
    if not (settings.CELERY_TASK_ALWAYS_EAGER and seconds and seconds > 0):
        return None
    stop = threading.Event()
    thread = threading.Thread(target=_loop, args=(seconds, stop), name="offer-sweeper", daemon=True)
    thread.start()
    return thread, stop
