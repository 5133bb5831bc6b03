"""The SQL of location ingest: the request read under a share lock, and the batch written with
one multi-row ``INSERT ... ON CONFLICT DO NOTHING RETURNING``.

Why a share lock (``FOR KEY SHARE`` on PostgreSQL): a transition takes the request's row
``FOR UPDATE``, which waits for it, so points are never written to a request a concurrent
``complete`` has just closed; but two batches on the same request share it, so one request's
batches no longer queue behind each other (the old ``FOR NO KEY UPDATE`` serialised them for
the whole insert). The only row a batch updates, the professional's position, is updated last,
so its lock is held from that update to the commit alone. SQLite has no row locks: it runs one
writer at a time anyway.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
from django.db import connection
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from accounts.models import ProfessionalProfile
from householdsvc.core.errors import NotFound
from requests_app.models import ServiceRequest
from requests_app.selectors import can_see
from tracking.models import LocationSource, LocationUpdate
from tracking.validation import CleanPoint

COLUMNS = (
    "request_id",
    "reported_by_id",
    "source",
    "latitude",
    "longitude",
    "accuracy",
    "recorded_at",
    "received_at",
    "client_id",
)


LOCK_FIELDS = ("id", "customer", "professional", "service", "status")


def request_share_lock(*, request_id, visible_to) -> ServiceRequest:
    """The request's row, share-locked until the transaction ends; 404 for an unknown id and
    for one the user may not see (``requests_app.services.service_request_lock``'s rule)."""
    try:
        pk = int(request_id)
    except (TypeError, ValueError) as exc:
        raise NotFound(gettext("No such service request.")) from exc
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    table = ServiceRequest._meta.db_table
    # The columns the checks read (any other is loaded if asked for): the whole row cost more
    # to turn into an instance than the query took.
    columns = ", ".join(f'"{ServiceRequest._meta.get_field(name).column}"' for name in LOCK_FIELDS)
    found = list(ServiceRequest.objects.raw(f'SELECT {columns} FROM "{table}" WHERE "id" = %s{lock}', [pk]))
    if not found or not can_see(visible_to, found[0]):
        raise NotFound(gettext("No such service request."))
    return found[0]


def point_key(client_id: str | None, recorded_at) -> tuple:
    """What makes two points of one reporter the same point (the two unique indexes)."""
    return (client_id, recorded_at)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def _micros(moment: datetime) -> int:
    return (moment - EPOCH) // MICROSECOND


def _instant(value) -> int:
    """A ``recorded_at`` as the database hands it back (PostgreSQL: microseconds since the
    epoch; SQLite: naive UTC, or its text) as microseconds, to match it with the point sent."""
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        value = parse_datetime(value)
    return _micros(value.replace(tzinfo=UTC) if value.tzinfo is None else value)


def first_of_each(points: list[CleanPoint]) -> list[CleanPoint]:
    """The batch without its own repeats (same client id and moment, or no id and the same
    moment), in the order given."""
    seen: set[tuple] = set()
    unique = []
    for point in points:
        key = point_key(point.client_id, point.recorded_at)
        if key not in seen:
            seen.add(key)
            unique.append(point)
    return unique


def _insert_sql(table: str, request_id: int, user_id: int, points: list[CleanPoint], now: datetime):
    """One statement for the batch. On PostgreSQL the points go as one JSON text through
    ``json_to_recordset`` (5 parameters, whatever the batch's size: turning a query of 4,500
    placeholders into SQL cost more than the insert, and quoting five arrays of a hundred values
    for the query cost more than making that text), and each row written comes back with its
    moment in microseconds, quicker to read than a timestamp; elsewhere as a multi-row VALUES."""
    ops = connection.ops
    columns = ", ".join(f'"{column}"' for column in COLUMNS)
    if connection.vendor == "postgresql":
        sql = (
            f'INSERT INTO "{table}" ({columns}) SELECT %s, %s, %s, p.latitude, p.longitude, p.accuracy, '
            "p.recorded_at, %s, p.client_id FROM json_to_recordset(%s::json) AS p(latitude numeric, "
            "longitude numeric, accuracy integer, recorded_at timestamptz, client_id varchar) "
            'ON CONFLICT DO NOTHING RETURNING "id", "client_id", '
            '(extract(epoch FROM "recorded_at") * 1000000)::bigint'
        )
        rows = [
            {
                "latitude": str(point.latitude),
                "longitude": str(point.longitude),
                "accuracy": point.accuracy,
                "recorded_at": point.recorded_at,
                "client_id": point.client_id,
            }
            for point in points
        ]
        return sql, [request_id, user_id, LocationSource.PROFESSIONAL, now, orjson.dumps(rows).decode()]
    received_at = ops.adapt_datetimefield_value(now)
    values, params = [], []
    for point in points:
        values.append("(" + ", ".join(["%s"] * len(COLUMNS)) + ")")
        params += [
            request_id,
            user_id,
            LocationSource.PROFESSIONAL,
            ops.adapt_decimalfield_value(point.latitude, 9, 6),
            ops.adapt_decimalfield_value(point.longitude, 9, 6),
            point.accuracy,
            ops.adapt_datetimefield_value(point.recorded_at),
            received_at,
            point.client_id,
        ]
    returning = 'ON CONFLICT DO NOTHING RETURNING "id", "client_id", "recorded_at"'
    return f'INSERT INTO "{table}" ({columns}) VALUES {", ".join(values)} {returning}', params


def insert_rows(
    *, request_id: int, user_id: int, points: list[CleanPoint], now: datetime
) -> list[tuple[int, CleanPoint]]:
    """Insert the points in one statement, skipping any already recorded; the ones written, in
    the order given, each with its id. No model instances: a batch needs one (its newest point,
    broadcast), and making a hundred cost more than the insert."""
    sql, params = _insert_sql(LocationUpdate._meta.db_table, request_id, user_id, points, now)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return []
    ids = {point_key(client_id, _instant(recorded_at)): pk for pk, client_id, recorded_at in rows}
    get = ids.get
    return [
        (pk, point)
        for point in points
        if (pk := get(point_key(point.client_id, _micros(point.recorded_at)))) is not None
    ]


def location_update(
    pk: int, point: CleanPoint, *, request_id: int, user_id: int, now: datetime
) -> LocationUpdate:
    """The row ``insert_rows`` wrote for ``point``, as a model instance."""
    return LocationUpdate(
        id=pk,
        request_id=request_id,
        reported_by_id=user_id,
        source=LocationSource.PROFESSIONAL,
        latitude=point.latitude,
        longitude=point.longitude,
        accuracy=point.accuracy,
        recorded_at=point.recorded_at,
        received_at=now,
        client_id=point.client_id,
    )


def insert_new(
    *, request_id: int, user_id: int, points: list[CleanPoint], now: datetime
) -> list[LocationUpdate]:
    """``insert_rows``, the points written as model instances."""
    rows = insert_rows(request_id=request_id, user_id=user_id, points=points, now=now)
    return [location_update(pk, point, request_id=request_id, user_id=user_id, now=now) for pk, point in rows]


def position_move(*, user_id: int, newest: CleanPoint) -> None:
    """The professional's current position to ``newest``, unless the profile already holds a
    newer fix (batches can arrive out of order): decided in the UPDATE itself, so two
    concurrent batches cannot overwrite a newer position with an older one."""
    ops, meta = connection.ops, ProfessionalProfile._meta
    latitude, longitude, moment_column, user = (
        f'"{meta.get_field(name).column}"'
        for name in ("current_latitude", "current_longitude", "position_updated_at", "user")
    )
    moment = ops.adapt_datetimefield_value(newest.recorded_at)
    sql = (
        f'UPDATE "{meta.db_table}" SET {latitude} = %s, {longitude} = %s, {moment_column} = %s '
        f"WHERE {user} = %s AND ({moment_column} IS NULL OR {moment_column} < %s)"
    )
    params = [
        ops.adapt_decimalfield_value(newest.latitude, 9, 6),
        ops.adapt_decimalfield_value(newest.longitude, 9, 6),
        moment,
        user_id,
        moment,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
