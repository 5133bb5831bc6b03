"""Nearest 10 of 100,000 professionals: the KNN path of ``requests_app.matching`` (the ``<->``
walk of the partial GiST index on (service, ``ll_to_earth``), DISPATCH_MATCHING_KNN, the
default on PostgreSQL) and the portable box path (SQLite's) at 200 random points in the city,
p50/p95, against a full-scan haversine sort of the same rows in the same run (index
and bitmap scans off, so every professional is read and sorted), the answers compared point by
point; the index use of the plan that runs (the prepared statement's generic plan) is printed.

Every positioned professional's position is made fresh first (the loader dates them ten
minutes before loading, older than POSITION_STALE_MINUTES by the time the bench runs).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Iterator
from decimal import Decimal

from bench import figure

POINTS = 200
NEAREST = 10


def _percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94]


def _execution_ms(queryset) -> float:
    """The database's own time for the query (EXPLAIN ANALYZE), without the round trip and the
    ORM's work: on a machine shared with other jobs, what the index saves the server."""
    plan = queryset.explain(analyze=True)
    line = next(line for line in plan.splitlines() if line.startswith("Execution Time"))
    return float(line.split(":")[1].split()[0])


def _explain(sql: str, params: list, *, analyze: bool) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {'(ANALYZE) ' if analyze else ''}{sql}", params)
        return [row[0] for row in cursor.fetchall()]


def _explain_generic(sql: str, params: list) -> list[str]:
    """The plan that runs: the statement goes through ``prepared_cursor``, so after its first
    few calls a connection reuses PostgreSQL's generic plan (values unknown when planned)."""
    from django.db import connection, transaction

    numbered, count = sql, 0
    while "%s" in numbered:
        count += 1
        numbered = numbered.replace("%s", f"${count}", 1)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE bench_geo_generic AS {numbered}")
        try:
            cursor.execute(f"EXPLAIN EXECUTE bench_geo_generic({', '.join(['%s'] * count)})", params)
            return [row[0] for row in cursor.fetchall()]
        finally:
            cursor.execute("DEALLOCATE bench_geo_generic")


def _statement_ms(sql: str, params: list) -> float:
    """``_execution_ms`` of a raw statement."""
    line = next(line for line in _explain(sql, params, analyze=True) if line.startswith("Execution Time"))
    return float(line.split(":")[1].split()[0])


def run() -> Iterator[str]:
    from django.db import connection, transaction

    from catalog.models import Service, ServiceKind
    from requests_app import matching
    from requests_app.management.commands.load_bulk_data import CITY
    from requests_app.models import ServiceRequest

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_professionalprofile SET position_updated_at = now() + interval '1 day' "
            "WHERE current_latitude IS NOT NULL AND position_updated_at < now() + interval '1 hour'"
        )
        if cursor.rowcount:
            cursor.execute("VACUUM ANALYZE accounts_professionalprofile")
        cursor.execute("SELECT count(*) FROM accounts_professionalprofile")
        (professionals,) = cursor.fetchone()
    yield f"# {professionals} professionals"
    services = list(Service.objects.filter(kind=ServiceKind.DISPATCH, is_active=True))
    rng = random.Random(8)
    span = float(CITY["span"])
    probes = []
    for _ in range(POINTS):
        lat = float(CITY["lat"]) + (rng.random() - 0.5) * span
        lng = float(CITY["lng"]) + (rng.random() - 0.5) * span
        probes.append(
            ServiceRequest(
                service=rng.choice(services), latitude=Decimal(f"{lat:.6f}"), longitude=Decimal(f"{lng:.6f}")
            )
        )

    def nearest(probe):
        # What offers and quotes read: the nearest with their profiles and distances.
        found = matching.nearest_professionals(service_request=probe, limit=NEAREST)
        return [(u.pk, round(u.distance_km, 6)) for u in found]

    def portable(probe):
        candidates = matching.suitable_professionals(service_request=probe).filter(
            professional_profile__current_latitude__isnull=False,
            professional_profile__position_updated_at__gte=matching.position_fresh_since(),
        )
        widest = 50  # the loader's widest radius (5 + id % 46)
        return [
            (u.pk, round(u.distance_km, 6))
            for u in matching._nearest_by_box(candidates, probe, widest)[:NEAREST]
        ]

    def nearest_database_ms(probe):
        return _statement_ms(*matching.nearest_rows_sql(probe, limit=NEAREST))

    def full_scan_database_ms(probe):
        candidates = matching.suitable_professionals(service_request=probe).filter(
            professional_profile__current_latitude__isnull=False,
            professional_profile__position_updated_at__gte=matching.position_fresh_since(),
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            return _execution_ms(matching._nearest_by_box(candidates, probe, 40_000)[:NEAREST])

    def full_scan(probe):
        candidates = matching.suitable_professionals(service_request=probe).filter(
            professional_profile__current_latitude__isnull=False,
            professional_profile__position_updated_at__gte=matching.position_fresh_since(),
        )
        queryset = matching._nearest_by_box(candidates, probe, 40_000)[:NEAREST]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            return [(u.pk, round(u.distance_km, 6)) for u in queryset]

    for line in _explain_generic(*matching.nearest_rows_sql(probes[0], limit=NEAREST)):
        if "Scan" in line or "Order By" in line or "Index Cond" in line:
            yield "# KNN walk plan (generic, as prepared): " + line.strip()
    nearest(probes[0])
    full_scan(probes[0])

    indexed, scanned, boxed, same, indexed_db, scanned_db = [], [], [], 0, [], []
    for probe in probes:
        indexed_db.append(nearest_database_ms(probe))
        scanned_db.append(full_scan_database_ms(probe))
        started = time.perf_counter()
        portable(probe)
        boxed.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        answer = nearest(probe)
        indexed.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        baseline = full_scan(probe)
        scanned.append((time.perf_counter() - started) * 1000)
        same += answer == baseline
    yield f"# same 10 nearest, in the same order, at {same} of {POINTS} points"
    p50, p95 = _percentiles(indexed)
    b50, b95 = _percentiles(scanned)
    yield figure("geo nearest 10 p50, KNN path (DISPATCH_MATCHING_KNN)", p50, "ms", b50, digits=2)
    yield figure("geo nearest 10 p95, KNN path (DISPATCH_MATCHING_KNN)", p95, "ms", b95, digits=2)
    yield f"# KNN path: {b50 / p50:.0f}x the full scan at p50, {b95 / p95:.0f}x at p95"
    x50, x95 = _percentiles(boxed)
    yield figure("geo nearest 10 p50, portable box path (SQLite's)", x50, "ms", b50, digits=2)
    yield figure("geo nearest 10 p95, portable box path (SQLite's)", x95, "ms", b95, digits=2)
    d50, d95 = _percentiles(indexed_db)
    s50, s95 = _percentiles(scanned_db)
    yield figure("geo nearest 10 p50, KNN path, database time", d50, "ms", s50, digits=2)
    yield figure("geo nearest 10 p95, KNN path, database time", d95, "ms", s95, digits=2)
    yield f"# KNN path, database time: {s50 / d50:.0f}x the full scan at p50, {s95 / d95:.0f}x at p95"
