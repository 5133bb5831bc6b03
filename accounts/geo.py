"""Distance on the Earth's surface, for "professionals near this point" searches.

A search first narrows the rows with a bounding box on the indexed latitude/longitude columns,
then keeps the rows whose exact great-circle (haversine) distance is within the radius. Both
steps are plain SQL functions that SQLite (Django registers them) and PostgreSQL both have.
"""

import math

from django.db.models import F, FloatField, QuerySet, Value
from django.db.models.functions import ASin, Cast, Cos, Least, Power, Radians, Sin, Sqrt

EARTH_RADIUS_KM = 6371.0088
# The shortest a degree of latitude gets (at the equator); dividing by it can only widen a box.
KM_PER_DEGREE_MIN = 110.574
KM_PER_DEGREE_LONGITUDE_AT_EQUATOR = 111.320


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(latitude: float, longitude: float, radius_km: float) -> dict[str, tuple[float, float]]:
    """Ranges of latitude (and, where meaningful, longitude) containing every point within
    ``radius_km``; they may contain more, never less. Near a pole or across the 180th meridian
    only the latitude is bounded, which stays correct (the exact distance does the rest)."""
    lat_delta = radius_km / KM_PER_DEGREE_MIN
    box = {"latitude": (latitude - lat_delta, latitude + lat_delta)}
    # The box is widest in longitude at its latitude farthest from the equator.
    widest_latitude = min(90.0, abs(latitude) + lat_delta)
    cos_lat = math.cos(math.radians(widest_latitude))
    if cos_lat > 1e-6:
        lng_delta = radius_km / (KM_PER_DEGREE_LONGITUDE_AT_EQUATOR * cos_lat)
        if longitude - lng_delta >= -180 and longitude + lng_delta <= 180:
            box["longitude"] = (longitude - lng_delta, longitude + lng_delta)
    return box


def distance_km_expression(latitude: float, longitude: float, lat_field: str, lng_field: str):
    """SQL expression for the haversine distance in km from the fixed point to the row."""

    def number(value):
        return Value(float(value), output_field=FloatField())

    row_lat = Radians(Cast(F(lat_field), FloatField()))
    row_lng = Radians(Cast(F(lng_field), FloatField()))
    dphi = row_lat - number(math.radians(latitude))
    dlmb = row_lng - number(math.radians(longitude))
    half_chord = Power(Sin(dphi / number(2)), number(2)) + number(math.cos(math.radians(latitude))) * Cos(
        row_lat
    ) * Power(Sin(dlmb / number(2)), number(2))
    # Least(…, 1): rounding can push the value a hair past 1, outside ASIN's domain.
    return number(2 * EARTH_RADIUS_KM) * ASin(Sqrt(Least(half_chord, number(1))))


def within_radius(
    queryset: QuerySet, *, latitude: float, longitude: float, radius_km: float, lat_field: str, lng_field: str
) -> QuerySet:
    """Rows of ``queryset`` whose position is within ``radius_km`` of the point, annotated with
    ``distance_km`` and ordered nearest first."""
    box = bounding_box(latitude, longitude, radius_km)
    bounds = {f"{lat_field}__range": box["latitude"]}
    if "longitude" in box:
        bounds[f"{lng_field}__range"] = box["longitude"]
    return (
        queryset.filter(**bounds)
        .annotate(distance_km=distance_km_expression(latitude, longitude, lat_field, lng_field))
        .filter(distance_km__lte=radius_km)
        .order_by("distance_km")
    )
