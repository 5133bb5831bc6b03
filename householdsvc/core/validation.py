"""Input checks every app's services share.

Each check adds messages to an ``errors`` dict (field name → messages) rather than raising, so
one ``ValidationFailed`` reports every bad field at once; ``raise_if_invalid`` raises it. The
field names are the caller's (``latitude``, ``points[3].latitude``), so the same 400 names the
field whichever page, API or back-office screen sent it.

Imports no app: catalog, accounts, requests_app and tracking all use it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import NoReturn

from django.utils.translation import gettext, gettext_noop

from householdsvc.core.errors import ValidationFailed
from householdsvc.core.geo import MAX_LATITUDE, MAX_LONGITUDE

REQUIRED = gettext_noop("This field is required.")
# Positions are stored with six decimals (about 11 cm): what a phone's GPS knows, and more.
MICRO_DEGREE = Decimal("0.000001")


def invalid(errors: dict[str, list[str]]) -> NoReturn:
    raise ValidationFailed(gettext("Invalid input."), errors=errors)


def raise_if_invalid(errors: dict[str, list[str]]) -> None:
    if errors:
        invalid(errors)


def _absent(value) -> bool:
    # A form's empty box and a JSON null both mean "no position".
    return value is None or value == ""


def coordinate(value, field: str, limit: int, errors: dict) -> Decimal | None:
    """One coordinate in degrees within ±``limit``, rounded to six decimals; ``None`` (and a
    message under ``field``) for anything else. A boolean is not a number: ``Decimal("True")``
    is refused like any other word, and NaN or infinity is out of range."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = [gettext("Enter a number.")]
        return None
    if not number.is_finite() or not -limit <= number <= limit:
        errors[field] = [gettext("Must be between -%(limit)s and %(limit)s.") % {"limit": limit}]
        return None
    return number.quantize(MICRO_DEGREE)


def position(
    latitude, longitude, errors: dict, *, fields: tuple[str, str] = ("latitude", "longitude")
) -> tuple[Decimal | None, Decimal | None]:
    """An optional position: both coordinates or neither (``None`` or blank). One without the
    other is refused on the missing one; each given coordinate must be a number in range."""
    lat_field, lng_field = fields
    if _absent(latitude) and _absent(longitude):
        return None, None
    if _absent(latitude) or _absent(longitude):
        errors[lat_field if _absent(latitude) else lng_field] = [
            gettext("Give latitude and longitude together.")
        ]
        return None, None
    return (
        coordinate(latitude, lat_field, MAX_LATITUDE, errors),
        coordinate(longitude, lng_field, MAX_LONGITUDE, errors),
    )


def required_position(raw, errors: dict, *, prefix: str) -> tuple[Decimal | None, Decimal | None]:
    """A position that must be there (a GPS point): each missing coordinate is named under
    ``prefix.latitude`` / ``prefix.longitude`` as required."""
    values = []
    for name, limit in (("latitude", MAX_LATITUDE), ("longitude", MAX_LONGITUDE)):
        field = f"{prefix}.{name}"
        if raw.get(name) is None:
            errors[field] = [gettext(REQUIRED)]
            values.append(None)
        else:
            values.append(coordinate(raw[name], field, limit, errors))
    return values[0], values[1]
