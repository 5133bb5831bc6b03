"""Old tracking points are deleted every night; recent ones and the latest position stay. (On
PostgreSQL, whole monthly partitions are dropped: tests/tracking/test_partitions.py.)"""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from tests.tracking.factories import LocationUpdateFactory
from tracking.models import LocationUpdate
from tracking.services import location_updates_prune
from tracking.tasks import prune_location_updates

pytestmark = pytest.mark.django_db


def points_received(request, *, days_ago, count=1):
    """``count`` points taken and received ``days_ago`` (a second apart)."""
    moment = timezone.now() - timedelta(days=days_ago)
    points = [
        LocationUpdateFactory(request=request, recorded_at=moment - timedelta(seconds=index))
        for index in range(count)
    ]
    # received_at is set on creation (auto_now_add): moved back afterwards.
    LocationUpdate.objects.filter(pk__in=[point.pk for point in points]).update(received_at=moment)
    return points


def test_points_past_the_retention_period_are_deleted_and_recent_ones_kept(en_route_request, settings):
    settings.LOCATION_RETENTION_DAYS = 30
    points_received(en_route_request, days_ago=45, count=3)
    recent = points_received(en_route_request, days_ago=29, count=2)

    assert location_updates_prune() == 3

    assert set(LocationUpdate.objects.values_list("pk", flat=True)) == {point.pk for point in recent}


def test_pruning_goes_in_batches_until_nothing_old_is_left(en_route_request):
    points_received(en_route_request, days_ago=200, count=7)

    assert location_updates_prune(older_than_days=90, batch_size=3) == 7
    assert not LocationUpdate.objects.exists()


def test_pruning_twice_deletes_nothing_the_second_time(en_route_request):
    points_received(en_route_request, days_ago=200, count=2)

    assert location_updates_prune(older_than_days=90) == 2
    assert location_updates_prune(older_than_days=90) == 0


def test_pruning_leaves_the_professionals_latest_position_on_their_profile(en_route_request, professional):
    profile = professional.professional_profile
    profile.current_latitude, profile.current_longitude = 12.97, 77.59
    profile.save()
    points_received(en_route_request, days_ago=200)

    location_updates_prune(older_than_days=90)

    profile.refresh_from_db()
    assert (float(profile.current_latitude), float(profile.current_longitude)) == (12.97, 77.59)


def test_the_task_prunes_and_reports_the_count(en_route_request, settings):
    settings.LOCATION_RETENTION_DAYS = 90
    points_received(en_route_request, days_ago=100, count=2)

    assert prune_location_updates.delay().get(timeout=10) == {"deleted": 2}


def test_the_schedule_migration_creates_the_nightly_prune_for_beat_once():
    # Transactional tests flush what the migration wrote, so its function runs again here
    # (twice: it must not duplicate the row).
    migration = importlib.import_module("tracking.migrations.0003_prune_schedule")
    migration.create_schedule(apps, None)
    migration.create_schedule(apps, None)

    task = PeriodicTask.objects.get(name="Delete old tracking points")

    assert task.task == "tracking.tasks.prune_location_updates"
    assert task.enabled
    assert (task.crontab.minute, task.crontab.hour) == ("0", "4")


def test_the_demo_command_also_prunes_old_points(en_route_request, capsys):
    points_received(en_route_request, days_ago=400)

    call_command("run_scheduled_jobs")

    assert "1 old tracking points deleted" in capsys.readouterr().out
    assert not LocationUpdate.objects.exists()
