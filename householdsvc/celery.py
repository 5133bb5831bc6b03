"""The Celery app: configured from Django settings (``CELERY_`` prefix), tasks autodiscovered."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "householdsvc.settings.local")

app = Celery("householdsvc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
