"""Location ingest: points per second through the real API (``POST
/api/v1/requests/{id}/locations/``, batches of 100 points with client ids) from 100 assigned
professionals at once, each reporting on their own request, over HTTP with 4 and with 16
concurrent connections, against ``COPY`` of the same number of points into the same table in
the same run (the most the database takes in one stream: no HTTP, no checks, no broadcast).

The server is the production ASGI application (``bench.api.Server``: uvicorn, 2 workers, the
production settings' connection pool, the Redis channel layer); the load comes from wrk, whose
Lua script builds each batch: the points of one request are a second apart and later batch by
batch, as a phone on the road sends them, so every point is new (the figure counts the rows
written, and says if any batch was refused). The bench's rows are deleted at the end.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bench import figure
from bench.api import Server, _wrk

CONNECTIONS = [int(n) for n in os.environ.get("BENCH_INGEST_CONNECTIONS", "4,16").split(",")]
REQUESTS, POINTS_PER_BATCH = 100, 100
WARMUP_SECONDS, DURATION_SECONDS = 3, int(os.environ.get("BENCH_INGEST_SECONDS", 15))
TAG = "bench-ingest"
# Each wrk run reports from its own stretch of time (validation takes points up to 24 h old).
RUN_HOURS = 5

SCRIPT = """
local scenes = %(scenes)s
local start = %(start)d
local tag = "%(tag)s"
local points = %(points)d
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function init(args)
  nthreads = %(threads)d
  mine, batches, turn = {}, {}, 0
  for index, scene in ipairs(scenes) do
    if (index - 1) %% nthreads == tid then table.insert(mine, scene) end
  end
  for index = 1, #mine do batches[index] = 0 end
end
function request()
  turn = turn %% #mine + 1
  local scene = mine[turn]
  local batch = batches[turn]
  batches[turn] = batch + 1
  local parts = {}
  for i = 1, points do
    local second = start + batch * points + i
    parts[i] = string.format(
      '{"latitude":"%%.6f","longitude":"%%.6f","accuracy":5,"recorded_at":"%%sZ","client_id":"%%s-%%d-%%d-%%d"}',
      12.9 + i / 100000, 77.5 + batch / 10000, os.date("!%%Y-%%m-%%dT%%H:%%M:%%S", second),
      tag, scene.id, batch, i)
  end
  return wrk.format("POST", scene.path, scene.headers, '{"points":[' .. table.concat(parts, ",") .. ']}')
end
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, "status": %%d, '
    .. '"connect": %%d, "read": %%d, "write": %%d, "timeout": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    errors.status, errors.connect, errors.read, errors.write, errors.timeout))
end
"""


def _scene() -> list[tuple[int, int, str]]:
    """100 requests being worked on, each by a different active professional: (request id,
    professional id, access token)."""
    from rest_framework_simplejwt.tokens import RefreshToken

    from requests_app.models import REPORTING_STATUSES, ServiceRequest

    chosen, seen = [], set()
    candidates = (
        ServiceRequest.objects.filter(
            status__in=REPORTING_STATUSES,
            professional__is_active=True,
            professional__professional_profile__verification_status="approved",
        )
        .select_related("professional")
        .order_by("id")
    )
    for service_request in candidates.iterator():
        if service_request.professional_id not in seen:
            seen.add(service_request.professional_id)
            token = str(RefreshToken.for_user(service_request.professional).access_token)
            chosen.append((service_request.pk, service_request.professional_id, token))
            if len(chosen) == REQUESTS:
                return chosen
    raise RuntimeError(f"The bench data has {len(chosen)} requests being worked on, not {REQUESTS}.")


def _lua_scenes(scene) -> str:
    rows = [
        f'{{id={request_id}, path="/api/v1/requests/{request_id}/locations/", '
        f'headers={{["Authorization"]="Bearer {token}", ["Content-Type"]="application/json"}}}}'
        for request_id, _, token in scene
    ]
    return "{" + ",\n".join(rows) + "}"


def _run_wrk(server: Server, scene, *, connections: int, seconds: int, start: datetime, tag: str) -> dict:
    threads = min(2, connections)
    script = SCRIPT % {
        "scenes": _lua_scenes(scene),
        "start": int(start.timestamp()),
        "tag": tag,
        "points": POINTS_PER_BATCH,
        "threads": threads,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script)
        lua.flush()
        command = [
            _wrk(),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            # On a loaded machine a batch can wait seconds for a worker: wait, do not give up.
            "--timeout",
            "30s",
            "-s",
            lua.name,
            server.base_url,
        ]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120, check=True)
    match = re.search(r"^WRK_JSON (\{.*\})$", completed.stdout, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"Could not read wrk's report:\n{completed.stdout}\n{completed.stderr}")
    return json.loads(match.group(1))


def _count(cursor, tag: str) -> int:
    cursor.execute("SELECT count(*) FROM tracking_locationupdate WHERE client_id LIKE %s", [f"{tag}-%"])
    return cursor.fetchone()[0]


COPY_COLUMNS = (
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


def _copy_points(scene, count: int, start: datetime) -> float:
    """COPY ``count`` points like the API's, spread over the same requests, in one transaction
    on a connection of its own; the seconds it took (the rows are made before the clock starts)."""
    import psycopg
    from django.conf import settings

    database = settings.DATABASES["default"]
    rows, now = io.StringIO(), datetime.now(UTC)
    per_request = -(-count // len(scene))
    for index in range(count):
        request_id, professional_id, _ = scene[index // per_request]
        moment = (start + timedelta(seconds=index % per_request)).isoformat()
        latitude = Decimal("12.9") + Decimal(index % 997) / 100000
        rows.write(
            f"{request_id}\t{professional_id}\tprofessional\t{latitude}\t77.500000\t5\t{moment}\t"
            f"{now.isoformat()}\t{TAG}-copy-{index}\n"
        )
    data = rows.getvalue().encode()
    columns = ", ".join(COPY_COLUMNS)
    with psycopg.connect(
        host=database["HOST"],
        port=database["PORT"] or 5432,
        user=database["USER"],
        password=database["PASSWORD"] or None,
        dbname=database["NAME"],
    ) as conn:
        started = time.perf_counter()
        with (
            conn.cursor() as cursor,
            cursor.copy(f"COPY tracking_locationupdate ({columns}) FROM STDIN") as copy,
        ):
            copy.write(data)
        conn.commit()
        return time.perf_counter() - started


def run() -> Iterator[str]:
    from django.db import connection

    from tracking.partitions import partitions_ensure

    partitions_ensure()
    scene = _scene()
    yield (
        f"# ingest: {REQUESTS} requests, each its own professional, batches of {POINTS_PER_BATCH} points, "
        f"{DURATION_SECONDS} s per run at {CONNECTIONS} connections; baseline: COPY of as many points"
    )
    base = datetime.now(UTC) - timedelta(hours=23)
    try:
        with Server() as server:
            _run_wrk(server, scene, connections=4, seconds=WARMUP_SECONDS, start=base, tag=f"{TAG}-warm")
            for number, connections in enumerate(CONNECTIONS, start=1):
                tag = f"{TAG}-c{connections}"
                report = _run_wrk(
                    server,
                    scene,
                    connections=connections,
                    seconds=DURATION_SECONDS,
                    start=base + timedelta(hours=RUN_HOURS * number),
                    tag=tag,
                )
                failures = {k: report[k] for k in ("connect", "read", "write", "timeout") if report[k]}
                if failures:
                    raise RuntimeError(
                        f"wrk saw failures: {failures}\nServer log (tail):\n{server._log_text()}"
                    )
                # A batch refused (a 503 when a worker's connection pool stays busy beyond its
                # timeout under load) is counted and left out of the rate: it wrote nothing.
                refused = report["status"]
                seconds = report["duration_us"] / 1e6
                # The rate counts the points of the batches answered (201) within the run; the
                # rows are counted too, once the batches still in flight at the end are in.
                answered = (report["requests"] - refused) * POINTS_PER_BATCH
                time.sleep(2)
                with connection.cursor() as cursor:
                    written = _count(cursor, tag)
                if written < answered:
                    raise RuntimeError(f"{answered} points answered but only {written} written")
                copy_seconds = _copy_points(
                    scene, answered, base + timedelta(hours=RUN_HOURS * number, minutes=30)
                )
                yield (
                    f"# {connections} connections: {report['requests'] - refused} batches taken, {refused} "
                    f"refused (non-2xx; the server log says why) ({answered} "
                    f"points; {written} rows with the ones in flight at the end) in {seconds:.1f} s, "
                    f"batch p50 {report['p50_us'] / 1000:.0f} ms, p95 {report['p95_us'] / 1000:.0f} ms; "
                    f"COPY of {answered} points {copy_seconds:.2f} s"
                )
                yield figure(
                    f"ingest_{connections}", answered / seconds, "points/s", answered / copy_seconds, digits=0
                )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM tracking_locationupdate WHERE client_id LIKE %s", [f"{TAG}-%"])
            # The dead rows and their index entries gone and the statistics fresh, so that the
            # next run writes to the same table and plans its reads the same way.
            cursor.execute("VACUUM ANALYZE tracking_locationupdate")
