"""On PostgreSQL the tracking points live in monthly partitions of ``recorded_at``: made ahead
by a daily job (twice is once), a point in its month's partition (or the default one), old
months dropped whole by the retention, and a point still recorded once across them."""

import importlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from tests.tracking.factories import LocationUpdateFactory, point_json
from tracking import ingest
from tracking.models import LocationUpdate
from tracking.partitions import partitions_drop_before, partitions_ensure
from tracking.services import location_batch_record, location_updates_prune
from tracking.tasks import create_location_partitions
from tracking.validation import CleanPoint

pytestmark = pytest.mark.django_db

P = "tracking_locationupdate_p"


@pytest.fixture(autouse=True)
def _on_postgresql():
    assert connection.vendor == "postgresql", "the partitions are PostgreSQL's"


def partitions() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'tracking_locationupdate'::regclass"
        )
        return {name for (name,) in cursor.fetchall()}


def partition_of(point) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM tracking_locationupdate WHERE id = %s", [point.pk]
        )
        return cursor.fetchone()[0]


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_the_table_is_partitioned_by_range_of_recorded_at_with_a_default():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.partstrat, a.attname FROM pg_partitioned_table p "
            "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
            "WHERE p.partrelid = 'tracking_locationupdate'::regclass"
        )
        assert cursor.fetchone() == ("r", "recorded_at")
    assert "tracking_locationupdate_default" in partitions()


def test_the_job_makes_this_month_and_the_next_two_and_running_it_again_makes_nothing():
    made = partitions_ensure(today=date(2031, 11, 14))

    assert made == [f"{P}2031_11", f"{P}2031_12", f"{P}2032_01"]
    assert {f"{P}2031_11", f"{P}2031_12", f"{P}2032_01"} <= partitions()
    assert partitions_ensure(today=date(2031, 11, 14)) == []
    assert partitions_ensure(today=date(2031, 12, 1)) == [f"{P}2032_02"]


def test_the_beat_task_twice_is_a_no_op_the_second_time():
    create_location_partitions.delay().get(timeout=10)  # whatever the month needed
    before = partitions()

    assert create_location_partitions.delay().get(timeout=10) == {"created": []}
    assert partitions() == before
    now = timezone.now()
    assert f"{P}{now:%Y_%m}" in before


def test_a_point_lands_in_its_months_partition_and_one_outside_them_in_the_default(en_route_request):
    partitions_ensure(today=date(2031, 3, 1), months_ahead=0)
    in_march = LocationUpdateFactory(request=en_route_request, recorded_at=at(2031, 3, 31, 23, 59, 59))
    in_april = LocationUpdateFactory(request=en_route_request, recorded_at=at(2031, 4, 1))

    assert partition_of(in_march) == f"{P}2031_03"
    assert partition_of(in_april) == "tracking_locationupdate_default"
    assert LocationUpdate.objects.filter(request=en_route_request).count() == 2


def test_ingest_writes_into_the_current_months_partition(en_route_request, professional):
    [point] = location_batch_record(
        request_id=en_route_request.pk, user=professional, points=[point_json()]
    ).points

    assert partition_of(point) == f"{P}{point.recorded_at.astimezone(UTC):%Y_%m}"


def test_a_month_made_late_takes_its_points_over_from_the_default(en_route_request):
    early = LocationUpdateFactory(request=en_route_request, recorded_at=at(2032, 6, 10, 8, 0))
    assert partition_of(early) == "tracking_locationupdate_default"

    assert partitions_ensure(today=date(2032, 6, 1), months_ahead=0) == [f"{P}2032_06"]

    assert partition_of(early) == f"{P}2032_06"
    assert LocationUpdate.objects.get(pk=early.pk).recorded_at == at(2032, 6, 10, 8, 0)


def test_retention_drops_whole_months_and_deletes_old_points_of_the_default(en_route_request):
    partitions_ensure(today=date(2026, 7, 1), months_ahead=2)  # July to September 2026
    for moment in (at(2026, 7, 3), at(2026, 7, 4), at(2026, 8, 31, 23), at(2026, 9, 1), at(2026, 5, 2)):
        LocationUpdateFactory(request=en_route_request, recorded_at=moment)

    deleted, dropped = partitions_drop_before(at(2026, 9, 15))

    assert (deleted, dropped) == (4, [f"{P}2026_07", f"{P}2026_08"])
    assert not {f"{P}2026_07", f"{P}2026_08"} & partitions()
    assert f"{P}2026_09" in partitions()
    assert list(LocationUpdate.objects.values_list("recorded_at", flat=True)) == [at(2026, 9, 1)]
    assert partitions_drop_before(at(2026, 9, 15)) == (0, [])


def test_the_nightly_prune_drops_the_months_past_the_retention_period(en_route_request, settings):
    settings.LOCATION_RETENTION_DAYS = 90
    old_month = (timezone.now() - timedelta(days=160)).date().replace(day=1)
    partitions_ensure(today=old_month, months_ahead=0)
    LocationUpdateFactory.create_batch(3, request=en_route_request, recorded_at=factory_moments(old_month))
    recent = LocationUpdateFactory(request=en_route_request)

    assert location_updates_prune() == 3

    assert f"{P}{old_month:%Y_%m}" not in partitions()
    assert list(LocationUpdate.objects.values_list("pk", flat=True)) == [recent.pk]


def factory_moments(month: date):
    import factory

    return factory.Iterator([at(month.year, month.month, day, 12) for day in (2, 3, 4)])


def _clean(client_id, moment) -> CleanPoint:
    return CleanPoint(Decimal("12.960000"), Decimal("77.580000"), 5, moment, client_id)


def test_a_batch_across_two_months_is_recorded_once_when_sent_again(en_route_request, professional):
    partitions_ensure(today=date(2033, 1, 1), months_ahead=1)
    batch = [
        _clean("a", at(2033, 1, 31, 23, 59)),
        _clean("b", at(2033, 2, 1, 0, 1)),
        _clean(None, at(2033, 2, 1)),
    ]
    write = lambda skip: ingest.insert_rows(  # noqa: E731
        request_id=en_route_request.pk, user_id=professional.pk, points=batch, now=timezone.now(), skip=skip
    )

    first = write(False)
    # The plain insert of a batch's first try fails on a point of either month ...
    with pytest.raises(IntegrityError) as failed, transaction.atomic():
        write(False)
    assert ingest.is_repeat(failed.value)
    # ... and the retry skips them all.
    again = write(True)

    assert [point.client_id for _, point in first] == ["a", "b", None]
    assert again == []
    written = LocationUpdate.objects.filter(pk__in=[pk for pk, _ in first])
    assert sorted(partition_of(point) for point in written) == [f"{P}2033_01", f"{P}2033_02", f"{P}2033_02"]
    assert LocationUpdate.objects.count() == 3


def test_the_schedule_migration_creates_the_daily_partition_job_for_beat_once():
    migration = importlib.import_module("tracking.migrations.0007_partition_schedule")
    migration.create_schedule(apps, None)
    migration.create_schedule(apps, None)

    task = PeriodicTask.objects.get(name="Create tracking partitions ahead")

    assert task.task == "tracking.tasks.create_location_partitions"
    assert task.enabled
    assert (task.crontab.minute, task.crontab.hour) == ("30", "3")
