"""tracking.validation cleans a phone's plain points in one go and anything else point by point:
both ways give the same clean point, and a bad point is named whichever it looked like."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from householdsvc.core.errors import ValidationFailed
from tracking.validation import CleanPoint, clean_points

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def test_plain_and_unusual_points_are_cleaned_alike():
    points = [
        {
            "latitude": "12.9",
            "longitude": "77.5",
            "accuracy": 5,
            "recorded_at": "2026-12-02T11:00:00Z",
            "client_id": "a",
        },
        {"latitude": 12.9, "longitude": 77, "recorded_at": "2026-12-02T16:30:00+05:30"},
        {
            "latitude": "12.9000004",
            "longitude": "77.5",
            "accuracy": 5.5,
            "recorded_at": "2026-12-02T11:00:00",
        },
        {
            "latitude": "-0",
            "longitude": "180",
            "accuracy": "7",
            "recorded_at": "2026-12-02T12:01:59Z",
            "client_id": " b ",
        },
    ]

    cleaned = clean_points(points, now=NOW)

    assert cleaned == [
        CleanPoint(Decimal("12.900000"), Decimal("77.500000"), 5, datetime(2026, 12, 2, 11, tzinfo=UTC), "a"),
        CleanPoint(
            Decimal("12.900000"),
            Decimal("77.000000"),
            None,
            datetime(2026, 12, 2, 16, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        ),
        # A naive time is the site's time zone; accuracy rounds half to even.
        CleanPoint(Decimal("12.900000"), Decimal("77.500000"), 6, datetime(2026, 12, 2, 11, tzinfo=UTC)),
        CleanPoint(
            Decimal("-0.000000"),
            Decimal("180.000000"),
            7,
            datetime(2026, 12, 2, 12, 1, 59, tzinfo=UTC),
            " b ",
        ),
    ]


def test_a_bad_point_is_named_whatever_it_looks_like():
    good = {"latitude": "12.9", "longitude": "77.5", "recorded_at": "2026-12-02T11:00:00Z"}
    points = [
        good,
        {**good, "latitude": "91"},
        {**good, "longitude": True},
        {**good, "recorded_at": "2026-12-02T12:02:01Z"},
        {**good, "recorded_at": "2026-12-01T11:59:59Z"},
        {**good, "accuracy": -1},
        {**good, "client_id": "   "},
        {**good, "client_id": "x" * 65},
        {**good, "recorded_at": "yesterday"},
    ]

    with pytest.raises(ValidationFailed) as failed:
        clean_points(points, now=NOW)

    assert failed.value.errors == {
        "points[1].latitude": ["Must be between -90 and 90."],
        "points[2].longitude": ["Enter a number."],
        "points[3].recorded_at": ["This time is in the future."],
        "points[4].recorded_at": ["Older than 24 hours."],
        "points[5].accuracy": ["Must be between 0 and 100000 metres."],
        "points[6].client_id": ["Enter the point's id as a non-empty text."],
        "points[7].client_id": ["At most 64 characters."],
        "points[8].recorded_at": ["Enter an ISO 8601 date and time, e.g. 2026-01-31T09:15:00Z."],
    }
