"""Probes for load balancers and orchestrators.

``/healthz`` says the process answers; ``/readyz`` says whether it can do work: the
database, the cache and the Celery broker all reachable, else 503 naming what is down (and
what is up), each checked at once in a thread of its own with its own timeout.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


# Each dependency is checked in a thread of its own with this long to answer, so one that hangs
# (accepts and never replies) neither holds the probe past the orchestrator's own timeout nor
# hides the state of the others.
READY_TIMEOUT_SECONDS = 2


def _check_database():
    pool = getattr(connection, "pool", None)  # Django's psycopg pool, when configured
    if pool is not None:
        # A request would wait the pool's whole timeout for a connection that never comes;
        # the probe waits a short while and says the database is down.
        pool.open()
        with pool.connection(timeout=READY_TIMEOUT_SECONDS) as conn:
            conn.execute("SELECT 1")
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()  # this thread's own connection: nobody will reuse it


def _check_cache():
    cache.set("readyz-probe", "1", 5)
    if cache.get("readyz-probe") != "1":
        raise RuntimeError("cache did not return what was stored")


def _check_broker():
    if settings.CELERY_TASK_ALWAYS_EAGER and settings.CELERY_BROKER_URL.startswith("memory://"):
        return  # tasks run in-process: there is no broker to reach
    from householdsvc.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=READY_TIMEOUT_SECONDS)


CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}

# A check still running from an earlier probe (its dependency hangs) is not started again: the
# probe says it timed out, and no more threads pile up behind a dead server.
_running: dict[str, threading.Thread] = {}
_running_lock = threading.Lock()


class _Check(threading.Thread):
    def __init__(self, name, check):
        super().__init__(name=f"readyz-{name}", daemon=True)
        self.check, self.error = check, None

    def run(self):
        try:
            self.check()
        except Exception as exc:
            self.error = exc


def _start(name, check):
    with _running_lock:
        earlier = _running.get(name)
        if earlier is not None and earlier.is_alive():
            return None
        _running[name] = thread = _Check(name, check)
    thread.start()
    return thread


@never_cache
@require_GET
def readyz(request):
    threads = {name: _start(name, check) for name, check in CHECKS.items()}
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS + 0.5
    down, up = {}, []
    for name, thread in threads.items():
        if thread is not None:
            thread.join(max(0.0, deadline - time.monotonic()))
        if thread is None or thread.is_alive():
            logger.error("readyz: %s did not answer within %s s", name, READY_TIMEOUT_SECONDS)
            down[name] = "timeout"
        elif thread.error is not None:
            # The probe is public: it names what is down; hosts and errors go to the log.
            logger.error("readyz: %s is down", name, exc_info=thread.error)
            down[name] = type(thread.error).__name__
        else:
            up.append(name)
    if down:
        return JsonResponse({"status": "unavailable", "down": down, "up": up}, status=503)
    return JsonResponse({"status": "ok", "checks": list(CHECKS)})
