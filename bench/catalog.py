"""The public catalogue under load: ``GET /api/v1/services/?search=clean``, the home page and the
catalogue page as an anonymous visitor sees them (served by the public cache), each against a
bare view returning the very same bytes straight from Redis (bench.baseline.cached_baseline):
the most a cached endpoint can do. Same server, same run, alternating rounds (bench.api).
"""

from __future__ import annotations

import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from bench import figure
from bench.api import (
    CONNECTIONS,
    DURATION_SECONDS,
    LIGHT_CONNECTIONS,
    ROUNDS,
    THREADS,
    WORKERS,
    WRK_REPORT_LUA,
    Server,
    measure_both,
)
from bench.baseline import CACHED_BASELINE_KEY

CASES = [
    ("catalog services search", "services-search", "/api/v1/services/?search=clean"),
    ("catalog home page", "home", "/"),
    ("catalog services page", "services-page", "/services/"),
]


def _fetch(url: str) -> tuple[bytes, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read(), response.headers["Content-Type"]


def _prime(server: Server, name: str, path: str) -> str:
    """Store what an anonymous visitor gets under the baseline's key; check both agree."""
    from django.core.cache import cache

    body, content_type = _fetch(server.base_url + path)
    cache.set(CACHED_BASELINE_KEY.format(name=name), (body, content_type), timeout=None)
    baseline_path = f"/bench/baseline/cached/{name}/"
    if _fetch(server.base_url + baseline_path)[0] != body or _fetch(server.base_url + path)[0] != body:
        raise RuntimeError(f"{path} and its cached baseline differ")
    return baseline_path


def run() -> Iterator[str]:
    yield (
        f"# catalog: {WORKERS} uvicorn workers, wrk -t{THREADS} -c{CONNECTIONS} -d{DURATION_SECONDS}s, "
        f"anonymous, best of {ROUNDS} alternating rounds; baseline: the same bytes from Redis"
    )
    with tempfile.TemporaryDirectory(prefix="hs-wrk-") as folder, Server() as server:
        script = str(Path(folder) / "report.lua")
        Path(script).write_text(WRK_REPORT_LUA)
        for name, key, path in CASES:
            try:
                baseline_path = _prime(server, key, path)
                (ours, ours_light), (baseline, baseline_light) = measure_both(
                    (server.base_url + path, None), (server.base_url + baseline_path, None), script
                )
            except (OSError, RuntimeError) as error:
                raise RuntimeError(f"{error}\nServer log (tail):\n{server._log_text()}") from error
            light = f"at {LIGHT_CONNECTIONS} connections"
            yield from [
                figure(f"{name} throughput", ours.throughput, "req/s", baseline.throughput),
                figure(f"{name} p50 latency", ours.p50_ms, "ms", baseline.p50_ms),
                figure(f"{name} p95 latency {light}", ours_light.p95_ms, "ms", baseline_light.p95_ms),
            ]
