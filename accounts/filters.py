"""The professional search, shared by the API and the pages (one FilterSet, one rule)."""

from decimal import Decimal

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.geo import within_radius
from accounts.models import ProfessionalProfile, VerificationStatus

DEFAULT_RADIUS_KM = 25
MAX_RADIUS_KM = 500


class PositionField(forms.CharField):
    """``"lat,lng"`` in degrees, cleaned to a (latitude, longitude) pair of floats."""

    default_error_messages = {
        "invalid": "Give a position as latitude,longitude in degrees, e.g. 12.9716,77.5946.",
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


@extend_schema_field(OpenApiTypes.STR)
class PositionFilter(django_filters.Filter):
    field_class = PositionField


@extend_schema_field({"type": "number", "minimum": 0.1, "maximum": MAX_RADIUS_KM})
class RadiusFilter(django_filters.NumberFilter):
    """A NumberFilter whose bounds the schema shows (drf-spectacular leaves them out)."""


class ProfessionalFilter(django_filters.FilterSet):
    service = django_filters.NumberFilter(field_name="service_id", help_text="Catalogue service id.")
    pin_code = django_filters.CharFilter(field_name="pin_code", help_text="Base pin code, exactly.")
    available = django_filters.BooleanFilter(field_name="is_available", help_text="Taking work now.")
    ev_certified = django_filters.BooleanFilter(field_name="ev_certified")
    verification_status = django_filters.ChoiceFilter(
        choices=VerificationStatus.choices, help_text="Admins only see anything but approved."
    )
    near = PositionFilter(
        method="filter_near",
        help_text="latitude,longitude: only professionals whose current position is within "
        "radius_km of it, nearest first.",
    )
    radius_km = RadiusFilter(
        method="filter_radius",
        # A Decimal: the form field compares Decimal("0.1") with the float 0.1, which is a hair
        # larger, and refused the documented minimum itself.
        min_value=Decimal("0.1"),
        max_value=MAX_RADIUS_KM,
        help_text=f"Search radius around `near`, in km (default {DEFAULT_RADIUS_KM}).",
    )

    class Meta:
        model = ProfessionalProfile
        fields = ["service", "pin_code", "available", "ev_certified", "verification_status"]

    def filter_near(self, queryset, name, value):
        latitude, longitude = value
        radius_km = float(self.form.cleaned_data.get("radius_km") or DEFAULT_RADIUS_KM)
        return within_radius(
            queryset,
            latitude=latitude,
            longitude=longitude,
            radius_km=radius_km,
            lat_field="current_latitude",
            lng_field="current_longitude",
        )

    def filter_radius(self, queryset, name, value):
        return queryset  # read by filter_near; alone it means nothing
