"""How many professionals are free at each slot index of a window: the counting behind
``slots.slots_for``.

Slot index ``k`` is the start ``origin + k * step`` (``origin`` being local midnight of the
first day). Most professionals share one weekly pattern of working hours, so the count is made
per *pattern*, not per professional:

1. the professionals are grouped by identical weekly pattern (one query, ``values_list`` or a
   ``string_agg`` on PostgreSQL): a pattern held by ``n`` of them fits the job at some indices,
   and there it counts ``n``;
2. only the professionals holding something in the window (a job, time off) are looked at one
   by one, and only as index ranges: each block removes them from the indices whose job would
   overlap it, at most once per index however their blocks overlap, summed per pattern as a
   difference array (one query; on PostgreSQL each block keeps only the part past the farthest
   reach of the professional's earlier blocks, read from the previous held job in index order
   (a ``lag``, no sort) for those with no time off, and the result is a few hundred rows);
3. at each index the count is the sum, over the patterns fitting there, of ``n`` minus those
   of the pattern blocked there.

No Python object per professional, no per-professional range of working hours. Both engines
(``sql`` on PostgreSQL, ``python`` elsewhere) produce the same numbers from the same rules.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time as clock
from bisect import bisect_right
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

from django.core.cache import cache
from django.db import connection
from redis.exceptions import RedisError

from householdsvc.core.transactions import on_commit_robust
from requests_app.models import HOLDING_STATUSES, ServiceRequest
from requests_app.schedule.models import TimeOff, WorkingHours

logger = logging.getLogger(__name__)

Pattern = tuple[tuple[int, time, time], ...]

# The weekly pattern groups of a set of professionals are cached under the hours' version: any
# change of working hours moves it (``bump_hours_version``, on commit), so every group made
# before stops counting. A change of approval, service, pin code or availability changes the
# set of professionals asked about, which is part of the key.
HOURS_VERSION_KEY = "slots:hours:version"
PATTERNS_TTL = 60 * 60

_PATTERNS_SQL = """
SELECT pattern, count(*)::int, array_agg(pro) FROM (
    SELECT h.professional_id AS pro,
           string_agg(h.weekday::text || ' ' || h.starts_at::text || ' ' || h.ends_at::text, ','
                      ORDER BY h.weekday, h.starts_at) AS pattern
    FROM requests_app_workinghours h
    WHERE h.professional_id = ANY(%(pros)s::bigint[])
    GROUP BY h.professional_id
) per_pro GROUP BY pattern
"""

# Index range of a block [a, b): the starts k with origin + k*step < b and origin + k*step +
# duration > a, i.e. floor((a - origin - duration) / step) + 1 <= k < ceil((b - origin) / step).
# A professional's blocks in order of their start: the earlier ones (all starting no later)
# cover everything from this block's first index up to the farthest end among them, and
# nothing past it, so the block adds exactly [max(first, that end), after): the pieces are
# disjoint and together the union of the blocks.
#
# The work is per job (tens of thousands of rows) and kept to what is cheap per row: raw
# timestamps, no arithmetic, counted per distinct (group, start, earlier end, end); the index
# arithmetic is done on those few hundred rows at the end. The farthest earlier end only
# matters when it is past ``start - duration`` (before that it adds nothing to ``first``), so
# it is dropped there and equal jobs of different professionals count as one row.
# * Professionals with no time off in the window (most): their held jobs never overlap (the
#   ``request_no_overlapping_jobs`` constraint), so in order of end they are in order of start
#   and the farthest earlier end is the previous job's: a ``lag`` over ``request_held_idx``,
#   read in its own order (one index scan per pattern group, no sort).
# * The others: their jobs and time off, which may overlap anything, sorted by start with a
#   running ``max`` of the ends before.
_BLOCKED_SQL = """
WITH away AS MATERIALIZED (
    SELECT t.professional_id AS pro, t.starts_at AS a, t.ends_at AS b
    FROM requests_app_timeoff t
    WHERE t.professional_id = ANY(%(pros)s::bigint[]) AND t.starts_at < %(end)s AND t.ends_at > %(start)s
), pros AS MATERIALIZED (
    SELECT p.id, p.grp, p.id IN (SELECT pro FROM away) AS away
    FROM unnest(%(pros)s::bigint[], %(groups)s::int[]) AS p(id, grp)
), held AS MATERIALIZED (
    SELECT g.grp, j.a, CASE WHEN j.prev > j.a - %(span)s::interval THEN j.prev END AS prev, j.b,
           count(*)::int AS n
    FROM (SELECT grp, array_agg(id) AS members FROM pros WHERE NOT away GROUP BY grp) g
    CROSS JOIN LATERAL (
        SELECT r.busy_from AS a, r.busy_until AS b,
               lag(r.busy_until) OVER (PARTITION BY r.professional_id ORDER BY r.busy_until) AS prev
        FROM requests_app_servicerequest r
        WHERE r.professional_id = ANY(g.members) AND r.busy_from IS NOT NULL
          AND r.status = ANY(%(holding)s) AND r.busy_from < %(end)s AND r.busy_until > %(start)s
    ) j
    GROUP BY 1, 2, 3, 4
), mixed AS MATERIALIZED (
    SELECT pros.grp, m.a, CASE WHEN m.prev > m.a - %(span)s::interval THEN m.prev END AS prev, m.b,
           count(*)::int AS n
    FROM (
        SELECT pro, a, b,
               max(b) OVER (PARTITION BY pro ORDER BY a ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                   AS prev
        FROM (
            SELECT r.professional_id AS pro, r.busy_from AS a, r.busy_until AS b
            FROM requests_app_servicerequest r
            WHERE r.professional_id = ANY(ARRAY(SELECT pro FROM away)) AND r.busy_from IS NOT NULL
              AND r.status = ANY(%(holding)s) AND r.busy_from < %(end)s AND r.busy_until > %(start)s
            UNION ALL
            SELECT pro, a, b FROM away
        ) blocks
    ) m JOIN pros ON pros.id = m.pro
    GROUP BY 1, 2, 3, 4
), pieces AS (
    SELECT grp,
        greatest(floor((date_part('epoch', a) - %(origin)s - %(duration)s) / %(step)s)::bigint + 1,
                 ceil((date_part('epoch', prev) - %(origin)s) / %(step)s)::bigint) AS lo,
        ceil((date_part('epoch', b) - %(origin)s) / %(step)s)::bigint AS hi, n
    FROM (SELECT * FROM held UNION ALL SELECT * FROM mixed) AS counted
)
SELECT grp, least(greatest(lo, -1), %(top)s)::int, least(greatest(hi, -1), %(top)s)::int, sum(n)::int
FROM pieces WHERE hi > lo GROUP BY 1, 2, 3
"""


def _parse(pattern: str) -> Pattern:
    ranges = []
    for entry in pattern.split(","):
        weekday, starts_at, ends_at = entry.split(" ")
        ranges.append((int(weekday), time.fromisoformat(starts_at), time.fromisoformat(ends_at)))
    return tuple(ranges)


def _int_array(values) -> str:
    """An array's text form (``{1,2,3}``), cast in the statement: psycopg's list dumper is
    Python code, about 2 ms per array of a thousand ids."""
    return "{" + ",".join(map(str, values)) + "}"


def _patterns_sql(pros) -> list[tuple[Pattern, int, list[int]]]:
    with connection.cursor() as cursor:
        cursor.execute(_PATTERNS_SQL, {"pros": _int_array(pros)})
        return [(_parse(pattern), count, members) for pattern, count, members in cursor.fetchall()]


def _patterns_python(pros) -> list[tuple[Pattern, int, list[int]]]:
    week = defaultdict(list)
    for pro, weekday, starts_at, ends_at in (
        WorkingHours.objects.filter(professional_id__in=pros)
        .order_by("professional_id", "weekday", "starts_at")
        .values_list("professional_id", "weekday", "starts_at", "ends_at")
    ):
        week[pro].append((weekday, starts_at, ends_at))
    groups = defaultdict(list)
    for pro, ranges in week.items():
        groups[tuple(ranges)].append(pro)
    return [(pattern, len(members), members) for pattern, members in groups.items()]


def bump_hours_version(**_ignored) -> None:
    """Every cached pattern group is out of date (a signal receiver, and called on commit)."""
    try:
        cache.set(HOURS_VERSION_KEY, clock.time_ns(), timeout=None)
    except RedisError:
        logger.warning("slots cache unavailable: hours version not moved", exc_info=True)


def hours_changed(**_ignored) -> None:
    """Working hours changed: move the version now (this transaction's own reads) and again on
    commit (a reader that cached the old rows meanwhile did so under the first move)."""
    bump_hours_version()
    on_commit_robust(bump_hours_version)


def _patterns_cached(pros, compute) -> list[tuple[Pattern, int, list[int]]]:
    """``compute(pros)``, kept in the cache under the hours' version and the set of ``pros``.
    Redis down: computed afresh every time."""
    key = (
        "slots:patterns:"
        + hashlib.blake2b(",".join(map(str, sorted(pros))).encode(), digest_size=16).hexdigest()
    )
    try:
        found = cache.get_many([HOURS_VERSION_KEY, key])
    except RedisError:
        logger.warning("slots cache unavailable: patterns computed afresh", exc_info=True)
        return compute(pros)
    version = found.get(HOURS_VERSION_KEY)
    if version is None:
        cache.add(HOURS_VERSION_KEY, clock.time_ns(), timeout=None)
        version = cache.get(HOURS_VERSION_KEY)
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    patterns = compute(pros)
    try:
        cache.set(key, (version, patterns), timeout=PATTERNS_TTL)
    except RedisError:
        logger.warning("slots cache unavailable: patterns not stored", exc_info=True)
    return patterns


def _block_bounds(block_start, block_end, *, origin, duration, step_s, top) -> tuple[int, int]:
    first = math.floor(((block_start - origin) - duration).total_seconds() / step_s) + 1
    after = math.ceil((block_end - origin).total_seconds() / step_s)
    return min(max(first, -1), top), min(max(after, -1), top)


def _blocked_python(pros, groups, *, origin, start, end, duration, step_s, top):
    group_of = dict(zip(pros, groups, strict=True))
    spans = defaultdict(list)
    away = TimeOff.objects.filter(professional_id__in=pros, starts_at__lt=end, ends_at__gt=start)
    held = ServiceRequest.objects.filter(
        professional_id__in=pros, status__in=HOLDING_STATUSES, busy_from__lt=end, busy_until__gt=start
    )
    # One query for both kinds of block.
    rows = (
        away.order_by()
        .values_list("professional_id", "starts_at", "ends_at")
        .union(held.order_by().values_list("professional_id", "busy_from", "busy_until"), all=True)
    )
    for pro, block_start, block_end in rows:
        bounds = _block_bounds(
            block_start, block_end, origin=origin, duration=duration, step_s=step_s, top=top
        )
        if bounds[0] < bounds[1]:
            spans[pro].append(bounds)
    deltas: dict[tuple[int, int], int] = defaultdict(int)
    for pro, ranges in spans.items():
        ranges.sort()
        merged = [list(ranges[0])]
        for first, after in ranges[1:]:
            if first <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], after)
            else:
                merged.append([first, after])
        for first, after in merged:
            deltas[(group_of[pro], first)] += 1
            deltas[(group_of[pro], after)] -= 1
    return [(group, mark, delta) for (group, mark), delta in deltas.items()]


def _blocked_sql(pros, groups, *, origin, start, end, duration, step_s, top):
    with connection.cursor() as cursor:
        cursor.execute(
            _BLOCKED_SQL,
            {
                "pros": _int_array(pros),
                "groups": _int_array(groups),
                "holding": list(HOLDING_STATUSES),
                "start": start,
                "end": end,
                "origin": origin.timestamp(),
                "duration": duration.total_seconds(),
                "span": f"{duration.total_seconds()} seconds",
                "step": step_s,
                "top": top,
            },
        )
        # (group, first, after, how many): a few hundred distinct ranges, however many jobs.
        deltas: dict[tuple[int, int], int] = defaultdict(int)
        for group, first, after, count in cursor.fetchall():
            deltas[(group, first)] += count
            deltas[(group, after)] -= count
    return [(group, mark, delta) for (group, mark), delta in deltas.items()]


def _seconds(local: datetime, origin: datetime) -> float:
    return (local.astimezone(UTC) - origin).total_seconds()


def _fits(pattern: Pattern, *, zone, origin, first_day, last_day, start_s, duration_s, step_s, top):
    """The index ranges [first, last] at which a job fits inside one of the pattern's ranges."""
    fits = []
    day = first_day
    while day <= last_day:
        weekday = day.weekday()
        for range_day, starts_at, ends_at in pattern:
            if range_day != weekday:
                continue
            range_start = (
                datetime.combine(day, starts_at, tzinfo=zone).astimezone(UTC) - origin
            ).total_seconds()
            range_end = (datetime.combine(day, ends_at, tzinfo=zone).astimezone(UTC) - origin).total_seconds()
            first = math.ceil(max(range_start, start_s) / step_s)
            last = min(math.floor((range_end - duration_s) / step_s), top - 1)
            if first <= last:
                fits.append((first, last))
        day += timedelta(days=1)
    return sorted(fits)


def free_counts(
    pros,
    *,
    engine: str,
    zone,
    origin: datetime,
    start: datetime,
    end: datetime,
    first_day: date,
    last_day: date,
    duration: timedelta,
    step: timedelta,
) -> dict[int, int]:
    """{slot index: how many of ``pros`` are free for ``duration`` from it}, only indices with
    at least one. ``end`` bounds the blocks looked at (the last start plus the duration)."""
    step_s, duration_s = step.total_seconds(), duration.total_seconds()
    start_s = (start - origin).total_seconds()
    top = math.ceil((end - origin).total_seconds() / step_s) + 1
    patterns = _patterns_cached(pros, _patterns_sql if engine == "sql" else _patterns_python)
    if not patterns:
        return {}
    members, groups = [], []
    for group, (_pattern, _count, pros_of_pattern) in enumerate(patterns):
        members.extend(pros_of_pattern)
        groups.extend([group] * len(pros_of_pattern))
    blocked_rows = (_blocked_sql if engine == "sql" else _blocked_python)(
        members, groups, origin=origin, start=start, end=end, duration=duration, step_s=step_s, top=top
    )
    marks_of = defaultdict(list)
    for group, mark, delta in blocked_rows:
        marks_of[group].append((mark, delta))
    counts: dict[int, int] = defaultdict(int)
    for group, (pattern, size, _members) in enumerate(patterns):
        marks = sorted(marks_of[group])
        positions = [mark for mark, _delta in marks]
        running = list(accumulate(delta for _mark, delta in marks))
        for first, last in _fits(
            pattern,
            zone=zone,
            origin=origin,
            first_day=first_day,
            last_day=last_day,
            start_s=start_s,
            duration_s=duration_s,
            step_s=step_s,
            top=top,
        ):
            for index in range(first, last + 1):
                at = bisect_right(positions, index)
                free = size - (running[at - 1] if at else 0)
                if free:
                    counts[index] += free
    return dict(counts)
