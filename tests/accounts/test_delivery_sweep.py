"""Deliveries left pending because the broker was down are queued again by beat's minute
sweep (CELERY_BEAT_SCHEDULE), and sent once however often they are swept or queued."""

import subprocess
import sys
import time
from datetime import timedelta

import pytest
import requests
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone

from accounts.delivery_sweep import pending_deliveries_requeue
from accounts.models import NotificationDelivery
from accounts.notifications import notify
from accounts.tasks import deliver_notification
from tests.exports.conftest import celery_worker  # noqa: F401 (a fixture: a real worker)
from tests.faults.conftest import own_redis, serve, test_database_url  # noqa: F401 (fixtures)
from tests.faults.servers import ROOT, project_env

pytestmark = pytest.mark.django_db


def stranded(recipient, key, *, minutes_ago):
    """A delivery whose task never reached the broker (its on-commit queueing never ran)."""
    notify(recipient=recipient, kind="offer", key=key, title=f"Stranded {key}")
    delivery = NotificationDelivery.objects.get(notification__key=key)
    NotificationDelivery.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return delivery


def test_beat_runs_the_sweep_every_minute():
    entry = django_settings.CELERY_BEAT_SCHEDULE["accounts-requeue-pending-deliveries"]
    assert entry == {"task": "accounts.tasks.requeue_pending_deliveries", "schedule": 60.0}


def test_the_sweep_sends_a_stranded_delivery_once_even_if_swept_twice(customer):
    old = stranded(customer, "old", minutes_ago=2)
    stranded(customer, "young", minutes_ago=0)
    assert mail.outbox == []

    assert pending_deliveries_requeue() == 1
    assert pending_deliveries_requeue() == 0
    assert [m.subject for m in mail.outbox] == ["Stranded old"]
    old.refresh_from_db()
    assert (old.state, old.attempts) == ("sent", 1)
    assert old.queued_at is not None
    assert NotificationDelivery.objects.get(notification__key="young").state == "pending"


def test_sent_and_failed_deliveries_are_never_swept(customer):
    for key, state in (("sent", "sent"), ("failed", "failed")):
        delivery = stranded(customer, key, minutes_ago=5)
        NotificationDelivery.objects.filter(pk=delivery.pk).update(state=state)
    assert pending_deliveries_requeue() == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_delivery_queued_twice_is_sent_once_by_a_real_worker(customer, celery_worker):  # noqa: F811
    delivery = stranded(customer, "twice", minutes_ago=2)
    first, second = deliver_notification.delay(delivery.pk), deliver_notification.delay(delivery.pk)
    assert sorted([first.get(timeout=20), second.get(timeout=20)]) == ["sent", "sent"]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 1)
    assert [m.subject for m in mail.outbox] == ["Stranded twice"]


def wait_for(delivery, state, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        delivery.refresh_from_db()
        if delivery.state == state or time.monotonic() > deadline:
            return delivery
        time.sleep(0.2)


SWEEP = "from accounts.delivery_sweep import pending_deliveries_requeue as s; print(s())"


def run_sweep(env) -> str:
    sweep = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SWEEP],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return sweep.stdout.strip().splitlines()[-1] if sweep.stdout.strip() else sweep.stderr[-500:]


@pytest.mark.django_db(transaction=True)
def test_a_reset_mail_asked_for_while_the_broker_is_down_is_sent_by_the_sweep_once_it_is_back(
    customer,
    serve,  # noqa: F811
    own_redis,  # noqa: F811
    test_database_url,  # noqa: F811
):
    env = project_env(
        DATABASE_URL=test_database_url, REDIS_URL=own_redis.url, CELERY_TASK_ALWAYS_EAGER="false"
    )
    server = serve(**env)
    own_redis.stop()

    response = requests.post(
        f"{server.url}/api/v1/auth/password/reset/", json={"email": customer.email}, timeout=30
    )
    assert response.status_code == 202, response.text[:300]
    delivery = NotificationDelivery.objects.get()
    assert (delivery.state, delivery.queued_at) == ("pending", None)

    own_redis.start()
    assert run_sweep(env) == "0"  # not a minute old yet: may still be on its way
    NotificationDelivery.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - timedelta(minutes=2)
    )
    assert run_sweep(env) == "1"
    assert run_sweep(env) == "0"  # swept twice, queued once
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "householdsvc", "worker", "--pool=solo", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        delivery = wait_for(delivery, "sent")
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    assert (delivery.state, delivery.attempts) == ("sent", 1)
    assert delivery.notification.title == "Choose a new householdsvc password"
