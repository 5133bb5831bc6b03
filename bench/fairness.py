"""Fair among the nearest: 2,000 roadside requests over 500 professionals in the bench's city,
dispatched by the rule offers use (``requests_app.matching.fair_order``: within
DISPATCH_FAIRNESS_KM of the nearest, the longest without a job first) and, as the baseline, by
pure nearest-first, on the same requests. Prints the spread of jobs per professional (the Gini
coefficient: 0 when everybody has as many, near 1 when a few have them all) and the mean pickup
distance (km from the professional who takes it to the breakdown).

A simulation of the rule's code, not of the database (bench/geo.py measures the query): a
request arrives every ARRIVAL_SECONDS, the first professional in the order takes it, drives to
it at DRIVE_KMH, works JOB_MINUTES, then is free again where the breakdown was. Only the free
ones within their service radius count, the nearest ``nearest_cap()`` of them ranked, as in
``requests_app.matching``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

REQUESTS = 2_000
PROFESSIONALS = 500
ARRIVAL_SECONDS = 40
JOB_MINUTES = 30
DRIVE_KMH = 25.0
RADIUS_KM = 20.0


def gini(values: list[int]) -> float:
    ordered = sorted(values)
    n, total = len(ordered), sum(ordered)
    if not total:
        return 0.0
    weighted = sum((i + 1) * value for i, value in enumerate(ordered))
    return 2 * weighted / (n * total) - (n + 1) / n


def simulate(fairness_km: float, seed: int = 8) -> tuple[list[int], float, int]:
    """(jobs per professional, mean pickup km, requests nobody free could take)."""
    from householdsvc.core.geo import haversine_km
    from requests_app.management.commands.load_bulk_data import CITY
    from requests_app.matching import fair_order, nearest_cap

    rng = random.Random(seed)
    lat0, lng0, span = float(CITY["lat"]), float(CITY["lng"]), float(CITY["span"])

    def spot():
        return lat0 + (rng.random() - 0.5) * span, lng0 + (rng.random() - 0.5) * span

    start = datetime(2026, 12, 1, 8, tzinfo=UTC)
    crew = [
        SimpleNamespace(position=spot(), free_at=start, last_job_at=None, jobs=0)
        for _ in range(PROFESSIONALS)
    ]
    breakdowns = [spot() for _ in range(REQUESTS)]
    cap = nearest_cap()
    pickups, missed = [], 0
    for number, breakdown in enumerate(breakdowns):
        now = start + timedelta(seconds=number * ARRIVAL_SECONDS)
        in_range = []
        for professional in crew:
            if professional.free_at > now:
                continue
            km = haversine_km(*professional.position, *breakdown)
            if km <= RADIUS_KM:
                in_range.append((km, id(professional), professional))
        if not in_range:
            missed += 1
            continue
        in_range.sort(key=lambda row: (row[0], row[1]))
        nearest = [
            SimpleNamespace(distance_km=km, last_job_at=professional.last_job_at, who=professional)
            for km, _, professional in in_range[:cap]
        ]
        taker = fair_order(nearest, fairness_km)[0]
        professional = taker.who
        pickups.append(taker.distance_km)
        professional.jobs += 1
        professional.last_job_at = now
        drive = timedelta(hours=taker.distance_km / DRIVE_KMH)
        professional.free_at = now + drive + timedelta(minutes=JOB_MINUTES)
        professional.position = breakdown
    return [professional.jobs for professional in crew], sum(pickups) / len(pickups), missed


def run() -> Iterator[str]:
    from django.conf import settings

    band = settings.DISPATCH_FAIRNESS_KM
    fair_jobs, fair_km, fair_missed = simulate(band)
    near_jobs, near_km, near_missed = simulate(0.0)
    yield (
        f"# {REQUESTS} requests, one every {ARRIVAL_SECONDS} s, over {PROFESSIONALS} professionals; "
        f"band {band} km; nobody free in range: {fair_missed} (fair), {near_missed} (nearest-first)"
    )
    yield f"# jobs per professional, most: {max(fair_jobs)} (fair), {max(near_jobs)} (nearest-first)"
    g, b = gini(fair_jobs), gini(near_jobs)
    yield f"fairness_gini: {g:.2f} (baseline nearest-first {b:.2f}, ratio {g / b:.2f})"
    ratio = fair_km / near_km
    yield f"fairness_pickup_km: {fair_km:.2f} km (baseline nearest-first {near_km:.2f} km, ratio {ratio:.2f})"
