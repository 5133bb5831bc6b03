"""Monthly partitions of the tracking points on PostgreSQL (``tracking_locationupdate``).

Migration 0006_location_partitions turns the table into one partitioned by range of
``recorded_at`` with a partition per calendar month (UTC), named
``tracking_locationupdate_pYYYY_MM``, and a default partition,
``tracking_locationupdate_default``, so a point outside every month made so far is still
taken. Here:

- ``partitions_ensure`` makes the months ahead (beat, daily: this month and the next
  ``LOCATION_PARTITION_MONTHS_AHEAD``). Idempotent. Points that reached the default partition
  for a month made later are moved into it, so making a month never fails.
- ``partitions_drop_before`` is the retention: a month whose end is past the cutoff is dropped
  whole (no DELETE, no bloat, no vacuum), and any old point in the default partition deleted.
  So a point lives between the retention period and that plus a month.

On SQLite (and a PostgreSQL table not partitioned) both do nothing and say so by their answer.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from django.db import connection, transaction

PARENT = "tracking_locationupdate"
DEFAULT = f"{PARENT}_default"
MONTH_NAME = re.compile(rf"^{PARENT}_p(\d{{4}})_(\d{{2}})$")
# One ensure/drop at a time (beat and an admin's manual run, two beat processes...).
ADVISORY_LOCK = 8_140_001


def month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{PARENT}_p{month:%Y_%m}"


def _bound(month: date) -> str:
    return f"{month:%Y-%m-%d} 00:00:00+00"


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [PARENT])
        return cursor.fetchone() is not None


def partition_months() -> dict[str, date]:
    """The monthly partitions there are, by name (the default partition is not one)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s)",
            [PARENT],
        )
        names = [name for (name,) in cursor.fetchall()]
    months = {}
    for name in names:
        match = MONTH_NAME.match(name)
        if match:
            months[name] = date(int(match[1]), int(match[2]), 1)
    return months


def _create_month(cursor, month: date) -> None:
    """Make the month's partition, moving in any of its points the default partition holds
    (attaching over them would fail). Names and bounds are ours, never user input."""
    name, low, high = partition_name(month), _bound(month), _bound(add_months(month, 1))
    cursor.execute(f'CREATE TABLE "{name}" (LIKE "{PARENT}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)')
    cursor.execute(
        f'WITH moved AS (DELETE FROM "{DEFAULT}" WHERE recorded_at >= %s AND recorded_at < %s '
        f'RETURNING *) INSERT INTO "{name}" SELECT * FROM moved',
        [low, high],
    )
    cursor.execute(
        f"ALTER TABLE \"{PARENT}\" ATTACH PARTITION \"{name}\" FOR VALUES FROM ('{low}') TO ('{high}')"
    )


def partitions_ensure(*, months_ahead: int | None = None, today: date | None = None) -> list[str]:
    """Make this month's partition and the next ``months_ahead`` months' (setting
    LOCATION_PARTITION_MONTHS_AHEAD); return the names made, none when they all exist."""
    from django.conf import settings

    if not is_partitioned():
        return []
    ahead = settings.LOCATION_PARTITION_MONTHS_AHEAD if months_ahead is None else months_ahead
    first = month_start(today or datetime.now(UTC).date())
    wanted = [add_months(first, count) for count in range(ahead + 1)]
    made = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
        existing = set(partition_months().values())
        for month in wanted:
            if month not in existing:
                _create_month(cursor, month)
                made.append(partition_name(month))
    return made


def partitions_drop_before(cutoff: datetime) -> tuple[int, list[str]]:
    """Drop every month wholly before ``cutoff`` and delete the default partition's points
    recorded before it; return (points gone, partitions dropped)."""
    if not is_partitioned():
        return 0, []
    deleted, dropped = 0, []
    cutoff_month = month_start(cutoff.astimezone(UTC).date())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
        # A table with deferred foreign-key checks still pending (points written earlier in the
        # caller's transaction) cannot be dropped: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, month in sorted(partition_months().items(), key=lambda item: item[1]):
            # The month ends at the start of the next one: past the cutoff only if that is.
            if add_months(month, 1) <= cutoff_month:
                cursor.execute(f'SELECT count(*) FROM "{name}"')
                deleted += cursor.fetchone()[0]
                cursor.execute(f'DROP TABLE "{name}"')
                dropped.append(name)
        cursor.execute(f'DELETE FROM "{DEFAULT}" WHERE recorded_at < %s', [cutoff])
        deleted += cursor.rowcount
    return deleted, dropped
