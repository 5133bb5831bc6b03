"""The database settings the bench server (and production) run with, loaded in a fresh process.

Under ASGI persistent connections pile up one per request thread, so PostgreSQL is reached
through a connection pool whose connections are health-checked; ``DJANGO_DB_POOL=false`` goes
back to persistent connections for processes that suit them (Celery workers, WSGI).
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/any_database"

# Nothing connects: the probe reads the settings and builds (without opening) the pool.
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.db import connection
database = settings.DATABASES["default"]
pool = connection.pool
print(json.dumps({
    "conn_max_age": database["CONN_MAX_AGE"],
    "health_checks": database["CONN_HEALTH_CHECKS"],
    "pool_options": database["OPTIONS"].get("pool"),
    "pool": None if pool is None else {
        "min_size": pool.min_size,
        "max_size": pool.max_size,
        "timeout": pool.timeout,
        "check": getattr(pool._check, "__qualname__", None),
    },
}))
"""


def database_settings(**env):
    # Whatever the shell or the test run set (DJANGO_*, DATABASE_URL) would hide what we check.
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="householdsvc.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="example.com",
        DATABASE_URL=POSTGRES_URL,
        **env,
    )
    environment.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")  # production requires one
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_postgresql_is_reached_through_a_health_checked_pool_by_default():
    loaded = database_settings()

    assert loaded["conn_max_age"] == 0  # Django refuses a pool with persistent connections
    assert loaded["health_checks"] is True
    assert loaded["pool"] == {
        "min_size": 2,
        "max_size": 8,
        "timeout": 2.0,
        "check": "ConnectionPool.check_connection",
    }


def test_pool_sizes_and_wait_come_from_the_environment():
    loaded = database_settings(DJANGO_DB_POOL_MIN="1", DJANGO_DB_POOL_MAX="3", DJANGO_DB_POOL_TIMEOUT="2.5")

    assert loaded["pool"]["min_size"] == 1
    assert loaded["pool"]["max_size"] == 3
    assert loaded["pool"]["timeout"] == 2.5


def test_without_the_pool_connections_persist_and_are_checked():
    loaded = database_settings(DJANGO_DB_POOL="false", DJANGO_CONN_MAX_AGE="120")

    assert loaded["pool"] is None
    assert loaded["pool_options"] is None
    assert loaded["conn_max_age"] == 120
    assert loaded["health_checks"] is True


def test_the_bench_server_runs_with_the_pool(tmp_path):
    probe = (
        "import os; from bench import configure_environment; "
        f"configure_environment({str(tmp_path)!r}); print(os.environ['DJANGO_DB_POOL'])"
    )
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_DB_POOL"}

    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "true"
