"""The Celery app for the whole-worker-killed test, loaded by real ``celery worker`` processes.

The project's app, made slow on the first attempt only (the marker file): each progress report
sleeps, so the test sees the job running, with heartbeats, before it SIGKILLs the worker's
whole process group. The second worker finds the marker and runs at full speed."""

import os
import time
from pathlib import Path

import django

django.setup()

from exports import services, writers  # noqa: E402
from householdsvc.celery import app  # noqa: E402

MARKER = Path(os.environ["HS_TEST_SLOW_MARKER"])
writers.PROGRESS_EVERY_ROWS = 20
_record = services._ProgressRecorder.__call__


def _record_slowly_the_first_time(recorder, rows_done):
    _record(recorder, rows_done)
    if not MARKER.exists():
        time.sleep(1)


services._ProgressRecorder.__call__ = _record_slowly_the_first_time

__all__ = ["app"]
