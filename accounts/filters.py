"""The professional search, shared by the API and the pages (one FilterSet, one rule).

A professional's current position follows their GPS during jobs, and DESIGN.md lets only the
customer of an en-route or on-site request see it. So only admins search `near` the exact
position. Everyone else searches against the centre of the ~5 km grid cell the professional is
in, with a radius of at least ``PUBLIC_MIN_RADIUS_KM``, and gets the distance in whole km (see
``ProfessionalSerializer``). Rounding the distance alone would not do: moving the search point
until the figure flips, or until the professional drops out of the radius, finds its edge and so
the exact position. With the grid, any number of searches only finds the cell.
"""

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import FloatField, Value
from django.db.models.functions import Cast, Round
from django.utils.translation import gettext_lazy as _
from drf_spectacular.drainage import get_override
from drf_spectacular.utils import extend_schema_field

from accounts.models import ProfessionalProfile, VerificationStatus
from householdsvc.core.geo import bounding_box_lookups, within_radius

DEFAULT_RADIUS_KM = 25
MAX_RADIUS_KM = 500
# Non-admins: a smaller radius is searched as this one (not refused: the same search works for
# everyone, and an admin may go down to 0.1 km).
PUBLIC_MIN_RADIUS_KM = 5
# The grid non-admins search against: 0.05 degrees, ~5.5 km north-south (less east-west away
# from the equator).
PUBLIC_GRID_DEGREES = 0.05
# How far a position can be from its cell's centre: half the cell's diagonal, at most ~3.9 km.
PUBLIC_GRID_HALF_DIAGONAL_KM = 4.0


def _grid_centre(field: str):
    """SQL: the centre of the public grid cell along one coordinate (NULL stays NULL)."""
    cells_per_degree = Value(1 / PUBLIC_GRID_DEGREES, output_field=FloatField())
    return Round(Cast(field, FloatField()) * cells_per_degree, output_field=FloatField()) / cells_per_degree


class PositionField(forms.CharField):
    """``"lat,lng"`` in degrees, cleaned to a (latitude, longitude) pair of floats."""

    default_error_messages = {
        "invalid": _("Give a position as latitude,longitude in degrees, e.g. 12.9716,77.5946."),
    }

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            latitude, longitude = (float(part) for part in value.split(","))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return latitude, longitude


@extend_schema_field({"type": "string"})
class PositionFilter(django_filters.Filter):
    field_class = PositionField


@extend_schema_field({"type": "number", "minimum": 0.1, "maximum": MAX_RADIUS_KM})
class RadiusFilter(django_filters.NumberFilter):
    """A NumberFilter whose bounds the schema shows (drf-spectacular leaves them out)."""


def _described(filter_field):
    """drf-spectacular leaves out the help text of a filter whose class gives its schema; this
    one filter's copy of that schema carries it instead (the class's stays as it is)."""
    schema = get_override(type(filter_field), "field")
    return extend_schema_field({**schema, "description": filter_field.extra["help_text"]})(filter_field)


class ProfessionalFilter(django_filters.FilterSet):
    service = django_filters.NumberFilter(field_name="service_id", help_text="Catalogue service id.")
    pin_code = django_filters.CharFilter(field_name="pin_code", help_text="Base pin code, exactly.")
    available = django_filters.BooleanFilter(field_name="is_available", help_text="Taking work now.")
    ev_certified = django_filters.BooleanFilter(field_name="ev_certified")
    verification_status = django_filters.ChoiceFilter(
        choices=VerificationStatus.choices, help_text="Admins only see anything but approved."
    )
    near = _described(
        PositionFilter(
            method="filter_near",
            help_text="latitude,longitude: only professionals whose current position is within "
            "radius_km of it, nearest first. Admins search the exact position; everyone else the "
            "~5 km area it is in, so results and `distance_km` are approximate.",
        )
    )
    radius_km = _described(
        RadiusFilter(
            method="filter_radius",
            # A Decimal: the form field compares Decimal("0.1") with the float 0.1, which is a
            # hair larger, and refused the documented minimum itself.
            min_value=Decimal("0.1"),
            max_value=MAX_RADIUS_KM,
            help_text=f"Search radius around `near`, in km (default {DEFAULT_RADIUS_KM}). For anyone "
            f"but an admin a radius below {PUBLIC_MIN_RADIUS_KM} km is searched as "
            f"{PUBLIC_MIN_RADIUS_KM} km.",
        )
    )

    def __init__(self, data=None, queryset=None, *, request=None, user=None, **kwargs):
        # The API's filter backend passes the request; the selectors pass the acting user.
        super().__init__(data, queryset, request=request, **kwargs)
        self.user = user if user is not None else getattr(request, "user", None)

    @property
    def searches_exactly(self) -> bool:
        user = self.user
        return bool(user is not None and user.is_authenticated and user.is_admin)

    class Meta:
        model = ProfessionalProfile
        fields = ["service", "pin_code", "available", "ev_certified", "verification_status"]

    def filter_near(self, queryset, name, value):
        latitude, longitude = value
        radius_km = float(self.form.cleaned_data.get("radius_km") or DEFAULT_RADIUS_KM)
        if self.searches_exactly:
            found = within_radius(
                queryset,
                latitude=latitude,
                longitude=longitude,
                radius_km=radius_km,
                lat_field="current_latitude",
                lng_field="current_longitude",
            )
        else:
            radius_km = max(radius_km, PUBLIC_MIN_RADIUS_KM)
            # Narrow by the indexed columns first (a cell's centre is at most half its
            # diagonal from the position), then search the centres.
            bounds = bounding_box_lookups(
                latitude,
                longitude,
                radius_km + PUBLIC_GRID_HALF_DIAGONAL_KM,
                lat_field="current_latitude",
                lng_field="current_longitude",
            )
            found = within_radius(
                queryset.filter(**bounds).annotate(
                    area_latitude=_grid_centre("current_latitude"),
                    area_longitude=_grid_centre("current_longitude"),
                ),
                latitude=latitude,
                longitude=longitude,
                radius_km=radius_km,
                lat_field="area_latitude",
                lng_field="area_longitude",
            )
        # Ties (the same cell) in the list's usual order, so pages are stable.
        return found.order_by("distance_km", "-average_rating", "-user_id")

    def filter_radius(self, queryset, name, value):
        return queryset  # read by filter_near; alone it means nothing
