"""The SQL of location ingest: the request read under a share lock, and the batch written with
one multi-row ``INSERT ... RETURNING``.

On PostgreSQL that insert is a plain one first: a point already recorded (a phone resending a
batch whose answer it lost) fails it with a unique violation (``is_repeat``), and the batch is
then done again with ``ON CONFLICT DO NOTHING``, which skips those points. ``ON CONFLICT``
checks each unique index before each row and again after, which cost 15 to 25% of the insert for
every batch to spare the few that are resent one retry. Elsewhere the insert always skips.

Why a share lock (``FOR KEY SHARE`` on PostgreSQL): a transition takes the request's row
``FOR UPDATE``, which waits for it, so points are never written to a request a concurrent
``complete`` has just closed; but two batches on the same request share it, so one request's
batches no longer queue behind each other (the old ``FOR NO KEY UPDATE`` serialised them for
the whole insert). The only row a batch updates, the professional's position, is updated last,
so its lock is held from that update to the commit alone. SQLite has no row locks: it runs one
writer at a time anyway.

The same statement as that update reads what the ETA at the batch's newest point needs
(``tracking.eta.Trip``), so the broadcast after the commit reads nothing.

The lock, the insert and that statement are prepared once per connection
(``householdsvc.core.prepared``): on the partitioned table each took longer to plan than to
run (the trip's read, 7 ms of planning for 2 of work).
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

import orjson
from django.db import IntegrityError, connection
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from accounts.models import ProfessionalProfile
from householdsvc.core.errors import NotFound
from householdsvc.core.prepared import prepared_cursor
from householdsvc.core.rows import instance_from_row
from requests_app.models import ServiceRequest
from requests_app.selectors import can_see
from tracking.eta import NOT_READ, Trip, window_start
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


# What the checks read, and what the ETA of the batch's newest point needs (tracking.eta).
LOCK_FIELDS = ("id", "customer", "professional", "service", "status", "latitude", "longitude", "started_at")


def request_share_lock(*, request_id, visible_to) -> ServiceRequest:
    """The request's row, share-locked until the transaction ends; 404 for an unknown id and
    for one the user may not see (``requests_app.services.service_request_lock``'s rule)."""
    try:
        pk = int(request_id)
    except (TypeError, ValueError) as exc:
        raise NotFound(gettext("No such service request.")) from exc
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    # The columns the checks read (any other is loaded if asked for): the whole row cost more
    # to turn into an instance than the query took, and so did a raw query's column matching.
    sql, attnames = _lock_statement(lock)
    with prepared_cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    found = None if row is None else instance_from_row(ServiceRequest, attnames, row, connection=connection)
    if found is None or not can_see(visible_to, found):
        raise NotFound(gettext("No such service request."))
    return found


@functools.cache
def _lock_statement(lock: str) -> tuple[str, list[str]]:
    fields = [ServiceRequest._meta.get_field(name) for name in LOCK_FIELDS]
    columns = ", ".join(f'"{field.column}"' for field in fields)
    sql = f'SELECT {columns} FROM "{ServiceRequest._meta.db_table}" WHERE "id" = %s{lock}'
    return sql, [field.attname for field in fields]


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


# What a skipping insert returns of each row written: enough to match it with its point.
_RETURNING_MATCHED = 'RETURNING "id", "client_id", (extract(epoch FROM "recorded_at") * 1000000)::bigint'

UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE


def _returns_ids_only(skip: bool) -> bool:
    """Whether the insert returns its rows' ids alone (``_insert_sql``)."""
    return not skip and connection.vendor == "postgresql"


def skips_first() -> bool:
    """Whether a batch's first insert skips the points already recorded (see the module)."""
    return connection.vendor != "postgresql"


def is_repeat(error: IntegrityError) -> bool:
    """Whether a plain insert failed on a point already recorded: a unique violation (the ids
    come from a sequence, so the primary key never clashes; the other unique indexes are the
    two that say a point is recorded once)."""
    return getattr(error.__cause__, "sqlstate", None) == UNIQUE_VIOLATION


def _insert_sql(
    table: str, request_id: int, user_id: int, points: list[CleanPoint], now: datetime, *, skip: bool
):
    """One statement for the batch. On PostgreSQL the points go as one JSON text through
    ``json_to_recordset`` (5 parameters, whatever the batch's size: turning a query of 4,500
    placeholders into SQL cost more than the insert, and quoting five arrays of a hundred values
    for the query cost more than making that text); elsewhere as a multi-row VALUES.

    ``skip``: ``ON CONFLICT DO NOTHING``, and each row written comes back with its client id and
    moment (in microseconds on PostgreSQL, quicker to read than a timestamp), to tell which
    points they are. A plain insert on PostgreSQL writes every point or fails, and its rows come
    back in the order given (``insert_rows``): their ids alone."""
    ops = connection.ops
    columns = ", ".join(f'"{column}"' for column in COLUMNS)
    on_conflict = "ON CONFLICT DO NOTHING " if skip else ""
    if connection.vendor == "postgresql":
        sql = (
            f'INSERT INTO "{table}" ({columns}) SELECT %s, %s, %s, p.latitude, p.longitude, p.accuracy, '
            "p.recorded_at, %s, p.client_id FROM json_to_recordset(%s::json) AS p(latitude numeric, "
            f"longitude numeric, accuracy integer, recorded_at timestamptz, client_id varchar) {on_conflict}"
            + ('RETURNING "id"' if _returns_ids_only(skip) else _RETURNING_MATCHED)
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
    returning = f'{on_conflict}RETURNING "id", "client_id", "recorded_at"'
    return f'INSERT INTO "{table}" ({columns}) VALUES {", ".join(values)} {returning}', params


def insert_rows(
    *, request_id: int, user_id: int, points: list[CleanPoint], now: datetime, skip: bool
) -> list[tuple[int, CleanPoint]]:
    """Insert the points in one statement; the ones written, in the order given, each with its
    id. ``skip``: skip any already recorded, else one of them raises ``IntegrityError``
    (``is_repeat``). No model instances: a batch needs one (its newest point, broadcast), and
    making a hundred cost more than the insert."""
    sql, params = _insert_sql(LocationUpdate._meta.db_table, request_id, user_id, points, now, skip=skip)
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return []
    if _returns_ids_only(skip):
        # A plain insert wrote every point (or failed), and INSERT ... SELECT returns its rows in
        # the order the SELECT gave them, which is the points' order (as Django's own bulk insert
        # on PostgreSQL, INSERT ... SELECT FROM UNNEST ... RETURNING, relies on to give each
        # object its id).
        return [(row[0], point) for row, point in zip(rows, points, strict=True)]
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


def _trip_sql(*, service_request, user_id: int, newest: CleanPoint) -> tuple[str, list]:
    """The query of what the ETA at the batch's newest point needs: the trip's first point
    (part 0) and the points of the speed window (part 1), in order, positions as floats and
    moments as microseconds (decimals and timestamps cost more to make than the rest of the
    ETA). Run in the batch's transaction, so the batch's own points are in it."""
    where = '"request_id" = %s AND "reported_by_id" = %s AND "recorded_at" <= %s'
    params = [service_request.pk, user_id, newest.recorded_at]
    if service_request.started_at is not None:
        where += ' AND "recorded_at" >= %s'
        params.append(service_request.started_at)
    row = (
        '"id", (extract(epoch FROM "recorded_at") * 1000000)::bigint, '
        '"latitude"::float8, "longitude"::float8 '
        f'FROM "{LocationUpdate._meta.db_table}" WHERE {where}'
    )
    sql = (
        f'(SELECT 0, {row} ORDER BY "recorded_at", "id" LIMIT 1) UNION ALL '
        f'(SELECT 1, {row} AND "recorded_at" >= %s) ORDER BY 1, 3, 2'
    )
    return sql, [*params, *params, window_start(service_request, newest.recorded_at)]


def _trip(rows, *, service_request, newest_id: int, newest: CleanPoint) -> Trip:
    fix = (newest.latitude, newest.longitude, newest.recorded_at)
    first = rows[0] if rows and rows[0][0] == 0 else None
    recent = rows[1:] if first is not None else rows
    return Trip(
        target=(service_request.latitude, service_request.longitude),
        newest=fix,
        first=fix if first is None else (first[3], first[4], EPOCH + first[2] * MICROSECOND),
        first_is_newest=first is None or first[1] == newest_id,
        path=[(row[3], row[4]) for row in recent],
        span_seconds=(recent[-1][2] - recent[0][2]) / 1_000_000 if len(recent) > 1 else 0,
    )


def position_move(*, user_id: int, newest_id: int, newest: CleanPoint, service_request):
    """The professional's current position to ``newest``, unless the profile already holds a
    newer fix (batches can arrive out of order): decided in the UPDATE itself, so two
    concurrent batches cannot overwrite a newer position with an older one.

    Returns what the ETA at ``newest`` needs: on PostgreSQL the ``tracking.eta.Trip``, read in
    the same statement (None when the request has no position to go to); elsewhere
    ``NOT_READ`` (the broadcast reads it)."""
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
    has_target = service_request.latitude is not None and service_request.longitude is not None
    if connection.vendor != "postgresql" or not has_target:
        with prepared_cursor() as cursor:
            cursor.execute(sql, params)
        return NOT_READ if has_target else None
    # The UPDATE runs to completion though the query reads nothing of it.
    trip_sql, trip_params = _trip_sql(service_request=service_request, user_id=user_id, newest=newest)
    with prepared_cursor() as cursor:
        cursor.execute(f"WITH moved AS ({sql}) {trip_sql}", params + trip_params)
        rows = cursor.fetchall()
    return _trip(rows, service_request=service_request, newest_id=newest_id, newest=newest)
