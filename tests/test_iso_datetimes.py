"""``iso_datetimes``: the API list's date-times written as DRF's DateTimeField writes them, in the
current time zone, "Z" for a zero offset, an offset with seconds (local mean time) in full."""

import datetime as dt
import random
import zoneinfo

from rest_framework.fields import DateTimeField

from householdsvc.core.api import iso_datetimes

KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")
UTC = dt.UTC


def test_each_value_is_written_in_the_zone_given():
    moment = dt.datetime(2026, 12, 6, 21, 30, 5, 120000, tzinfo=UTC)

    assert iso_datetimes([moment, None, moment.replace(microsecond=0)], KOLKATA) == [
        "2026-12-07T03:00:05.120000+05:30",
        None,
        "2026-12-07T03:00:05+05:30",
    ]
    assert iso_datetimes([moment], UTC) == ["2026-12-06T21:30:05.120000Z"]
    # A zone whose offset is zero in winter: "Z" as for UTC itself.
    assert iso_datetimes([moment], zoneinfo.ZoneInfo("Europe/London")) == ["2026-12-06T21:30:05.120000Z"]
    assert iso_datetimes([], KOLKATA) == []


def test_an_offset_with_seconds_is_written_in_full():
    # Kolkata kept Madras time (+05:21:10) until 1906; before 1854 its local mean time.
    moment = dt.datetime(1890, 1, 1, 12, 0, tzinfo=UTC)

    assert iso_datetimes([moment, None], KOLKATA) == ["1890-01-01T17:21:10+05:21:10", None]


def test_every_value_is_what_drfs_date_time_field_writes():
    zones = [
        KOLKATA,
        UTC,
        zoneinfo.ZoneInfo("America/St_Johns"),
        zoneinfo.ZoneInfo("Asia/Kathmandu"),
        zoneinfo.ZoneInfo("Africa/Monrovia"),
        zoneinfo.ZoneInfo("Europe/Amsterdam"),
        dt.timezone(dt.timedelta(hours=-3, seconds=-61)),
    ]
    chance = random.Random(14)
    for zone in zones:
        field = DateTimeField(default_timezone=zone)
        values = [
            dt.datetime.fromtimestamp(chance.randint(-5_000_000_000, 8_000_000_000), UTC).replace(
                microsecond=chance.choice([0, chance.randint(1, 999_999)])
            )
            for _ in range(500)
        ]
        assert iso_datetimes(values, zone) == [field.to_representation(value) for value in values], zone
