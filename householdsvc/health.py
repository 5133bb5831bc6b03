"""Probes for load balancers and orchestrators.

``/healthz`` says the process answers; ``/readyz`` says whether it can do work: the
database, the cache and the Celery broker all reachable, else 503 naming what is down.
"""

import logging

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


# A probe must answer before the orchestrator's own timeout, whatever is down.
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
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


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


@never_cache
@require_GET
def readyz(request):
    down = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:
            # The probe is public: it names what is down; hosts and errors go to the log.
            logger.error("readyz: %s is down", name, exc_info=exc)
            down[name] = type(exc).__name__
    if down:
        return JsonResponse({"status": "unavailable", "down": down}, status=503)
    return JsonResponse({"status": "ok", "checks": list(CHECKS)})
