"""PostgreSQL's ``cube`` + ``earthdistance`` as query expressions: the KNN path of "nearest
positions first".

``ll_to_earth(lat, lng)`` places a position on a sphere as a 3-D point (a ``cube``);
``a <-> b`` is the straight-line (chord) distance between two of them, which grows with the
great-circle distance, so ordering by it is ordering by ``householdsvc.core.geo.haversine_km``;
a GiST index on ``ll_to_earth`` of a row's position serves ``ORDER BY ... <-> point`` as a
nearest-neighbour index scan that stops after the LIMIT.

PostgreSQL only: the callers keep the portable bounding-box + haversine query for SQLite.
``django.db.models`` only, like ``householdsvc.core.geo``.
"""

from django.db.models import F, FloatField, Func, Value
from django.db.models.functions import Cast


class LlToEarth(Func):
    function = "ll_to_earth"
    output_field = FloatField()  # a ``cube``: never read back, only compared.


def earth_point(lat_field: str, lng_field: str) -> LlToEarth:
    """``ll_to_earth`` of a row's position: exactly the expression the GiST index is built on."""
    return LlToEarth(Cast(F(lat_field), FloatField()), Cast(F(lng_field), FloatField()))


def fixed_point(lat, lng) -> LlToEarth:
    return LlToEarth(
        Value(float(lat), output_field=FloatField()), Value(float(lng), output_field=FloatField())
    )


class EarthDistance(Func):
    """``a <-> b``: the KNN ordering operator of the cube GiST index."""

    arg_joiner = " <-> "
    template = "(%(expressions)s)"
    output_field = FloatField()
