"""Geo maths: distance on the Earth's surface, in Python and in SQL, and the bounding box that
lets the indexed latitude/longitude columns narrow a "within this radius" search.

A search first narrows the rows with a bounding box, then keeps the rows whose exact
great-circle (haversine) distance is within the radius. Both steps are plain SQL functions that
SQLite (Django registers them) and PostgreSQL both have.

Pure maths and ``django.db.models`` only: every app imports this module, so it imports no app.
"""

import math
from decimal import Decimal
from itertools import pairwise

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, FloatField, Func, Q, QuerySet
from django.db.models.functions import Cast

EARTH_RADIUS_KM = 6371.0088
# A position is valid within these bounds, in degrees (householdsvc.core.validation checks input).
MAX_LATITUDE = 90
MAX_LONGITUDE = 180


def haversine_km(lat1, lng1, lat2, lng2) -> float:
    """Great-circle distance between two positions (degrees, float or Decimal), in kilometres."""
    lat1, lng1, lat2, lng2 = (math.radians(float(v)) for v in (lat1, lng1, lat2, lng2))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def path_km(positions) -> float:
    """The length of a path of positions ((latitude, longitude, ...), degrees, float or Decimal),
    in kilometres: the sum of ``haversine_km`` over each leg, to the same float (the same
    operations in the same order), each position converted once instead of twice, in a plain
    loop (an ETA sums a few hundred legs for every batch)."""
    radians, cos = math.radians, math.cos
    points = [
        (latitude := radians(float(point[0])), radians(float(point[1])), cos(latitude)) for point in positions
    ]
    sin, asin, sqrt = math.sin, math.asin, math.sqrt
    diameter = 2 * EARTH_RADIUS_KM
    total = 0
    for (lat1, lng1, cos1), (lat2, lng2, cos2) in pairwise(points):
        root = sqrt(sin((lat2 - lat1) / 2) ** 2 + cos1 * cos2 * sin((lng2 - lng1) / 2) ** 2)
        total += diameter * asin(root if root < 1.0 else 1.0)
    return total


def bounding_box(lat, lng, radius_km) -> tuple[float, float, float | None, float | None]:
    """(min_lat, max_lat, min_lng, max_lng) enclosing the circle on the same sphere as
    ``haversine_km``; longitudes are ``None`` when the circle reaches a pole or crosses the
    antimeridian (latitude alone then narrows the search, the exact distance does the rest)."""
    lat, lng = float(lat), float(lng)
    angular = float(radius_km) / EARTH_RADIUS_KM
    dlat = math.degrees(angular)
    min_lat, max_lat = lat - dlat, lat + dlat
    if min_lat <= -90.0 or max_lat >= 90.0:
        return max(min_lat, -90.0), min(max_lat, 90.0), None, None
    # The widest longitude the circle spans (not the latitude's own, which is narrower). The
    # ratio is below 1 when no pole is reached; min() only guards against rounding.
    dlng = math.degrees(math.asin(min(1.0, math.sin(angular) / math.cos(math.radians(lat)))))
    if lng - dlng < -180.0 or lng + dlng > 180.0:
        return min_lat, max_lat, None, None
    return min_lat, max_lat, lng - dlng, lng + dlng


def bounding_box_lookups(
    lat, lng, radius_km, *, lat_field: str, lng_field: str
) -> dict[str, tuple[float, float]]:
    """``bounding_box`` as ``filter()`` keyword arguments on the given fields."""
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius_km)
    lookups = {f"{lat_field}__range": (min_lat, max_lat)}
    if min_lng is not None:
        lookups[f"{lng_field}__range"] = (min_lng, max_lng)
    return lookups


class _HaversineKm(Func):
    """The haversine distance as one expression node, written out as SQL at compile time: the
    same arithmetic as the nested Radians/Sin/Power/... functions, without their dozens of
    nodes to resolve and compile on every query (matching builds several of these per call)."""

    output_field = FloatField()

    def __init__(self, lat, lng, lat_field: str, lng_field: str):
        super().__init__(Cast(F(lat_field), FloatField()), Cast(F(lng_field), FloatField()))
        self.numbers = haversine_numbers(lat, lng)

    def as_sql(self, compiler, connection, **extra_context):
        lat_sql, lat_params = compiler.compile(self.source_expressions[0])
        lng_sql, lng_params = compiler.compile(self.source_expressions[1])
        least = "MIN" if connection.vendor == "sqlite" else "LEAST"  # Django's Least on SQLite
        return haversine_sql(self.numbers, lat_sql, lat_params, lng_sql, lng_params, least=least)


def haversine_numbers(lat, lng) -> tuple[float, float, float, float]:
    lat0 = math.radians(float(lat))
    return (2 * EARTH_RADIUS_KM, lat0, math.cos(lat0), math.radians(float(lng)))


def haversine_sql(numbers, lat_sql, lat_params, lng_sql, lng_params, *, least="LEAST"):
    """The haversine distance's SQL from ``haversine_numbers`` of the fixed point to the row's
    position in ``lat_sql``/``lng_sql`` (SQL of doubles): for raw queries too, the same
    arithmetic to the last bit as the ORM's."""
    diameter, lat0, cos_lat0, lng0 = numbers
    sql = (
        f"(%s * ASIN({least}(SQRT((POWER(SIN(((RADIANS({lat_sql}) - %s) / %s)), %s) + "
        f"((%s * COS(RADIANS({lat_sql}))) * POWER(SIN(((RADIANS({lng_sql}) - %s) / %s)), %s)))), %s)))"
    )
    params = [diameter, *lat_params, lat0, 2.0, 2.0, cos_lat0, *lat_params, *lng_params, lng0, 2.0, 2.0, 1.0]
    return sql, params


def distance_km_expression(lat, lng, lat_field: str = "latitude", lng_field: str = "longitude"):
    """The haversine distance from (lat, lng) to each row's position, as a SQL expression
    (rounding can push sqrt(a) a hair above 1, where ASIN is undefined: hence the LEAST)."""
    return _HaversineKm(lat, lng, lat_field, lng_field)


def within_radius(
    queryset: QuerySet, *, latitude, longitude, radius_km, lat_field: str, lng_field: str
) -> QuerySet:
    """Rows of ``queryset`` whose position is within ``radius_km`` of the point, annotated with
    ``distance_km`` and ordered nearest first."""
    return (
        queryset.filter(
            **bounding_box_lookups(latitude, longitude, radius_km, lat_field=lat_field, lng_field=lng_field)
        )
        .annotate(distance_km=distance_km_expression(latitude, longitude, lat_field, lng_field))
        .filter(distance_km__lte=radius_km)
        .order_by("distance_km")
    )


# --- Model fields: validators and database constraints for a position ----------------------

LATITUDE_VALIDATORS = [MinValueValidator(Decimal(-MAX_LATITUDE)), MaxValueValidator(Decimal(MAX_LATITUDE))]
LONGITUDE_VALIDATORS = [MinValueValidator(Decimal(-MAX_LONGITUDE)), MaxValueValidator(Decimal(MAX_LONGITUDE))]


def position_constraints(prefix: str, lat: str, lng: str) -> list[models.CheckConstraint]:
    """Range checks for a (latitude, longitude) pair of nullable decimal fields."""
    return [
        models.CheckConstraint(
            condition=Q(**{f"{lat}__isnull": True})
            | Q(**{f"{lat}__gte": -MAX_LATITUDE, f"{lat}__lte": MAX_LATITUDE}),
            name=f"{prefix}_{lat}_range",
        ),
        models.CheckConstraint(
            condition=Q(**{f"{lng}__isnull": True})
            | Q(**{f"{lng}__gte": -MAX_LONGITUDE, f"{lng}__lte": MAX_LONGITUDE}),
            name=f"{prefix}_{lng}_range",
        ),
        models.CheckConstraint(
            condition=Q(**{f"{lat}__isnull": True, f"{lng}__isnull": True})
            | Q(**{f"{lat}__isnull": False, f"{lng}__isnull": False}),
            name=f"{prefix}_{lat}_{lng}_together",
        ),
    ]
