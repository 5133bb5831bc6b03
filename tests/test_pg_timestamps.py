"""``timestamptz`` values read through psycopg's compiled loader: the very values Django's own
loader gives (aware, in UTC, to the microsecond, at the ends of the range), for the ORM, raw
cursors and prepared statements alike, and a value out of Python's range still an error."""

import datetime

import pytest
from django.db import DataError, connection
from django.db.backends.postgresql.psycopg_any import register_tzloader

from accounts.models import User
from householdsvc.core.pg_timestamps import CompiledUtcTimestamptzLoader
from householdsvc.core.prepared import prepared_cursor

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
TEXTS_AND_VALUES = [
    ("2026-12-03 09:15:00+00", datetime.datetime(2026, 12, 3, 9, 15, tzinfo=UTC)),
    # Written in India's time: read back in UTC, 5 h 30 earlier.
    ("2026-12-03 09:15:00.123456+05:30", datetime.datetime(2026, 12, 3, 3, 45, 0, 123456, tzinfo=UTC)),
    ("2024-02-29 23:59:59.999999-11", datetime.datetime(2024, 3, 1, 10, 59, 59, 999999, tzinfo=UTC)),
    ("0001-01-01 00:00:00+00", datetime.datetime(1, 1, 1, tzinfo=UTC)),
    ("9999-12-31 23:59:59.999999+00", datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
]
SQL = "SELECT v::timestamptz FROM unnest(%s::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n"


def _read(cursor):
    cursor.execute(SQL, [[text for text, _ in TEXTS_AND_VALUES]])
    return [value for (value,) in cursor.fetchall()]


def test_the_connection_reads_timestamps_with_the_compiled_loader():
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(1184, 0)  # timestamptz, text

    assert loader is CompiledUtcTimestamptzLoader


def test_the_values_are_djangos_own_to_the_microsecond():
    with connection.cursor() as cursor:
        ours = _read(cursor)
    with connection.cursor() as cursor:
        register_tzloader(UTC, cursor.cursor)  # Django's own loader, on this cursor only
        djangos = _read(cursor)

    assert ours == [value for _, value in TEXTS_AND_VALUES]
    assert ours == djangos
    assert {value.tzinfo for value in ours} == {UTC}
    assert [value.isoformat() for value in ours[:2]] == [
        "2026-12-03T09:15:00+00:00",
        "2026-12-03T03:45:00.123456+00:00",
    ]


def test_prepared_statements_read_the_same_values():
    with prepared_cursor() as cursor:
        assert _read(cursor) == [value for _, value in TEXTS_AND_VALUES]


def test_the_orm_reads_back_what_it_wrote(customer):
    written = datetime.datetime(2026, 12, 3, 9, 15, 30, 250000, tzinfo=UTC)
    User.objects.filter(pk=customer.pk).update(created_at=written)

    (read,) = User.objects.filter(pk=customer.pk).values_list("created_at", flat=True)

    assert read == written
    assert read.tzinfo is UTC


def test_a_value_past_pythons_range_is_still_an_error():
    with connection.cursor() as cursor, pytest.raises(DataError):
        cursor.execute("SELECT 'infinity'::timestamptz")
        cursor.fetchall()
