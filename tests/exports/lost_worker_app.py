"""The Celery app for the lost-worker test, loaded by a real ``celery worker`` subprocess.

It is the project's app, plus one trap: the first export attempt, once it has written some
rows and recorded its progress, kills its own prefork child with SIGKILL (as the kernel's OOM
killer or a node failure would). The marker file makes the trap fire only once, so the
redelivered message runs normally. Files go to the test process's private folder so the test
can read the CSV.
"""

import os
import signal
from pathlib import Path

import django
from django.conf import settings

settings.STORAGES["private"]["OPTIONS"]["location"] = os.environ["HS_TEST_PRIVATE_ROOT"]
django.setup()

from exports import services, writers  # noqa: E402
from householdsvc.celery import app  # noqa: E402

MARKER = Path(os.environ["HS_TEST_KILL_MARKER"])
writers.PROGRESS_EVERY_ROWS = 50
_record = services._ProgressRecorder.__call__


def _record_then_die_once(recorder, rows_done):
    _record(recorder, rows_done)
    if not MARKER.exists():
        MARKER.write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)


services._ProgressRecorder.__call__ = _record_then_die_once

__all__ = ["app"]
