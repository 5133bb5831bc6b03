"""The Celery app: configured from Django settings (``CELERY_`` prefix), tasks autodiscovered."""

import os

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "householdsvc.settings.local")

app = Celery("householdsvc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The web request's id follows its tasks into the worker's log lines (householdsvc.core.request_id).
from householdsvc.core import request_id  # noqa: E402

before_task_publish.connect(request_id.add_to_message, weak=False)
task_prerun.connect(request_id.take_from_message, weak=False)
task_postrun.connect(request_id.forget, weak=False)
