"""Requests per second and p50/p95 latency of ``GET /api/v1/requests/?page_size=50``, as an
admin and as a busy customer, under concurrent load from wrk, against the bare baseline view
(bench.baseline) served by the same server in the same run.

The server is the production ASGI application under uvicorn (2 worker processes, DEBUG off,
access log off, the production settings' connection pool) on 127.0.0.1 only, started here and
always stopped at the end. ``BENCH_API_WORKERS`` changes the worker count, for both sides.

Other work on the machine shifts the figures from one minute to the next, so the two sides are
measured in alternating rounds (ours then the baseline, then the baseline then ours) and each
side keeps its best round: the highest throughput under load, the lowest p95 under light load.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench import figure

BASE_DIR = Path(__file__).resolve().parent.parent
PATH = "/api/v1/requests/?page_size=50"
BASELINE_PATH = "/bench/baseline/requests/"
WORKERS = int(os.environ.get("BENCH_API_WORKERS", 2))
THREADS, CONNECTIONS = 2, 16
# Latency under saturation is mostly queueing (16 connections on 2 workers: each request waits
# for ~8 others), so latency is also measured under light load, one connection per worker.
LIGHT_CONNECTIONS = 2
ROUNDS = 2
WARMUP_SECONDS, DURATION_SECONDS, LIGHT_DURATION_SECONDS = 3, 15, 10
SERVER_START_TIMEOUT = 60

# wrk's `done` hook prints one JSON line: the summary and the percentiles we report.
WRK_REPORT_LUA = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
"""


@dataclass
class LoadResult:
    throughput: float  # requests per second
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: `make bench` installs it (apt-get install wrk).")
    return wrk


class Server:
    """uvicorn serving the project over ASGI on 127.0.0.1; a context manager that always stops it."""

    def __init__(self):
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in __exit__)

    def __enter__(self) -> Server:
        uvicorn = [sys.executable, "-m", "uvicorn", "householdsvc.asgi:application"]
        from householdsvc.serve import WS_OPTIONS  # the production run's WebSocket options

        options = ["--host", "127.0.0.1", "--port", str(self.port), "--workers", str(WORKERS), *WS_OPTIONS]
        quiet = ["--no-access-log", "--log-level", "warning", "--lifespan", "off"]
        self.process = subprocess.Popen(
            uvicorn + options + quiet,
            cwd=BASE_DIR,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so the workers go with it
        )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The server exited at start:\n{self._log_text()}")
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"The server did not answer within {SERVER_START_TIMEOUT} s:\n{self._log_text()}")

    def __exit__(self, *exc_info):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()

    def _log_text(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def get_json(self, path: str, token: str | None = None) -> dict:
        request = urllib.request.Request(self.base_url + path)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())


def run_wrk(url: str, token: str | None, seconds: int, script: str, connections: int) -> LoadResult:
    threads = min(THREADS, connections)
    command = [_wrk(), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    completed = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True
    )
    match = re.search(r"^WRK_JSON (\{.*\})$", completed.stdout, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"Could not read wrk's report:\n{completed.stdout}\n{completed.stderr}")
    report = json.loads(match.group(1))
    failures = {key: report[key] for key in ("connect", "read", "write", "status", "timeout") if report[key]}
    if failures:
        raise RuntimeError(f"wrk saw failures on {url}: {failures}\n{completed.stdout}")
    return LoadResult(
        throughput=report["requests"] / (report["duration_us"] / 1e6),
        p50_ms=report["p50_us"] / 1000,
        p95_ms=report["p95_us"] / 1000,
        p99_ms=report["p99_us"] / 1000,
        requests=report["requests"],
    )


def measure(url: str, token: str | None, script: str) -> tuple[LoadResult, LoadResult]:
    """(saturated, light): under CONNECTIONS, then under LIGHT_CONNECTIONS."""
    run_wrk(url, token, WARMUP_SECONDS, script, CONNECTIONS)  # code paths and caches warm
    saturated = run_wrk(url, token, DURATION_SECONDS, script, CONNECTIONS)
    light = run_wrk(url, token, LIGHT_DURATION_SECONDS, script, LIGHT_CONNECTIONS)
    return saturated, light


def best_of(rounds: list[tuple[LoadResult, LoadResult]]) -> tuple[LoadResult, LoadResult]:
    """The round with the highest throughput under load and the one with the lowest light p95."""
    return (
        max((saturated for saturated, _ in rounds), key=lambda result: result.throughput),
        min((light for _, light in rounds), key=lambda result: result.p95_ms),
    )


def measure_both(ours: tuple[str, str | None], baseline: tuple[str, None], script: str):
    """Both sides in alternating rounds, the best round of each (see the module's docstring)."""
    results = {"ours": [], "baseline": []}
    sides = [("ours", ours), ("baseline", baseline)]
    for round_number in range(ROUNDS):
        for side, (url, token) in sides if round_number % 2 == 0 else reversed(sides):
            results[side].append(measure(url, token, script))
    return best_of(results["ours"]), best_of(results["baseline"])


def _tokens():
    """An admin and the customer with the most requests, with an access token each."""
    from django.db import connection
    from rest_framework_simplejwt.tokens import RefreshToken

    from accounts.models import Role, User
    from requests_app.management.commands.load_bulk_data import ADMIN_EMAIL

    admin = User.objects.get(email=ADMIN_EMAIL)
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT r.customer_id, count(*) FROM requests_app_servicerequest r
               JOIN accounts_user u ON u.id = r.customer_id
               WHERE u.is_active AND u.role = %s
               GROUP BY r.customer_id ORDER BY count(*) DESC, r.customer_id LIMIT 1""",
            [Role.CUSTOMER],
        )
        customer_id, customer_requests = cursor.fetchone()
    customer = User.objects.get(pk=customer_id)
    token = lambda user: str(RefreshToken.for_user(user).access_token)  # noqa: E731
    return token(admin), customer, customer_requests, token(customer)


def _check_same_rows(server: Server, path: str, token: str, baseline_path: str) -> None:
    """The comparison is fair only if both endpoints return the very same page."""
    ours = [row["id"] for row in server.get_json(path, token)["results"]]
    baseline = [row["id"] for row in server.get_json(baseline_path)["results"]]
    if ours != baseline or len(ours) != 50:
        raise RuntimeError(f"API and baseline pages differ: {ours[:5]}… vs {baseline[:5]}…")


def run() -> Iterator[str]:
    """The figures, each yielded as soon as it is measured (a failure later keeps the earlier)."""
    admin_token, customer, customer_requests, customer_token = _tokens()
    yield (
        f"# api: {WORKERS} uvicorn workers, wrk -t{THREADS} -c{CONNECTIONS} -d{DURATION_SECONDS}s "
        f"(light: -c{LIGHT_CONNECTIONS} -d{LIGHT_DURATION_SECONDS}s), best of {ROUNDS} alternating rounds; "
        f"customer #{customer.pk} has {customer_requests} requests"
    )
    cases = [
        ("admin", PATH, admin_token, BASELINE_PATH),
        ("customer", PATH, customer_token, f"{BASELINE_PATH}?customer={customer.pk}"),
    ]
    with tempfile.TemporaryDirectory(prefix="hs-wrk-") as folder, Server() as server:
        script = str(Path(folder) / "report.lua")
        Path(script).write_text(WRK_REPORT_LUA)
        for role, path, token, baseline_path in cases:
            try:
                _check_same_rows(server, path, token, baseline_path)
                (ours, ours_light), (baseline, baseline_light) = measure_both(
                    (server.base_url + path, token), (server.base_url + baseline_path, None), script
                )
            except (OSError, RuntimeError) as error:
                # What the server said is usually the answer (a crash, "too many clients").
                raise RuntimeError(f"{error}\nServer log (tail):\n{server._log_text()}") from error
            name = f"api requests {role}"
            light = f"at {LIGHT_CONNECTIONS} connections"
            yield from [
                figure(f"{name} throughput", ours.throughput, "req/s", baseline.throughput),
                figure(f"{name} p50 latency", ours.p50_ms, "ms", baseline.p50_ms),
                figure(f"{name} p95 latency", ours.p95_ms, "ms", baseline.p95_ms),
                figure(f"{name} p50 latency {light}", ours_light.p50_ms, "ms", baseline_light.p50_ms),
                figure(f"{name} p95 latency {light}", ours_light.p95_ms, "ms", baseline_light.p95_ms),
            ]
