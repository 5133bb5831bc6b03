"""The one position check every app's services use (householdsvc.core.validation)."""

from decimal import Decimal

import pytest

from householdsvc.core.errors import ValidationFailed
from householdsvc.core.validation import position, raise_if_invalid, required_position


def checked(latitude, longitude):
    errors = {}
    return position(latitude, longitude, errors), errors


def test_a_position_is_rounded_to_six_decimals():
    assert checked("12.97159949", 77.5946) == ((Decimal("12.971599"), Decimal("77.594600")), {})


@pytest.mark.parametrize("empty", [None, ""])
def test_no_position_at_all_is_fine(empty):
    assert checked(empty, empty) == ((None, None), {})


def test_one_coordinate_without_the_other_is_refused_on_the_missing_one():
    assert checked("12.9", None) == ((None, None), {"longitude": ["Give latitude and longitude together."]})
    assert checked("", "77.5") == ((None, None), {"latitude": ["Give latitude and longitude together."]})


@pytest.mark.parametrize(
    ("latitude", "longitude", "errors"),
    [
        ("90.000001", "0", {"latitude": ["Must be between -90 and 90."]}),
        ("0", "-180.5", {"longitude": ["Must be between -180 and 180."]}),
        ("NaN", "0", {"latitude": ["Must be between -90 and 90."]}),
        ("0", "Infinity", {"longitude": ["Must be between -180 and 180."]}),
        ("north", True, {"latitude": ["Enter a number."], "longitude": ["Enter a number."]}),
    ],
)
def test_a_coordinate_out_of_range_or_not_a_number_is_named(latitude, longitude, errors):
    assert checked(latitude, longitude)[1] == errors


def test_the_field_names_are_the_callers():
    errors = {}
    position("91", "0", errors, fields=("current_latitude", "current_longitude"))
    assert errors == {"current_latitude": ["Must be between -90 and 90."]}


def test_a_gps_point_needs_both_coordinates():
    errors = {}
    assert required_position({"latitude": "1"}, errors, prefix="points[2]") == (Decimal("1.000000"), None)
    assert errors == {"points[2].longitude": ["This field is required."]}


def test_collected_problems_raise_one_validation_failed():
    raise_if_invalid({})
    with pytest.raises(ValidationFailed) as caught:
        raise_if_invalid({"latitude": ["Enter a number."]})
    assert caught.value.errors == {"latitude": ["Enter a number."]}
