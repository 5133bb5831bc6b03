"""Benchmarks run by ``make bench`` (``python -m bench [api|export]``) on a PostgreSQL database of
their own, loaded once with ``load_bulk_data`` and kept.

Every figure is printed as ``name: value unit (baseline value, ratio r)``, the baseline being
measured in the same run on the same machine, so the ratio means something even on a busy box.
"""

import os
import secrets

BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/householdsvc_bench"
BENCH_REDIS_URL = "redis://127.0.0.1:6379/14"


def configure_environment(private_media_root: str) -> None:
    """Production settings (DEBUG off) for this process and every child it starts.

    The secret is made once here and inherited, so the tokens minted by the bench are valid in
    the server's workers. No SSL redirect (plain HTTP on 127.0.0.1), mail dropped, and Celery
    pointed at an in-memory broker: the export bench runs the job itself, in a child process.
    """
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("DATABASE_URL", BENCH_DATABASE_URL)
    os.environ.setdefault("REDIS_URL", BENCH_REDIS_URL)
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(48))
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1"
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "false"
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    os.environ["EMAIL_URL"] = "dummymail://"
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ["DJANGO_PRIVATE_MEDIA_ROOT"] = private_media_root
    # Under ASGI each request runs its sync code in a thread of its own, so persistent
    # connections (CONN_MAX_AGE > 0) pile up until "too many clients"; the server uses the
    # connection pool of the production settings, the baseline view the same pool.
    os.environ["DJANGO_DB_POOL"] = "true"


def figure(name: str, value: float, unit: str, baseline: float, *, digits: int = 1) -> str:
    """One result line: ``name: value unit (baseline value, ratio r)``."""
    ratio = value / baseline if baseline else float("nan")
    return f"{name}: {value:.{digits}f} {unit} (baseline {baseline:.{digits}f} {unit}, ratio {ratio:.2f})"
