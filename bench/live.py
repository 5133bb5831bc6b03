"""Live fan-out: a professional posts a batch of positions while N customers' WebSockets watch
the request; the figure is POST-to-receipt at every watcher (from just before the POST is sent
to the moment a watcher reads the new position), against the POST alone in the same run (the
time until the POST's own answer), so the ratio says what the fan-out adds on top.

The server is the production ASGI application (bench.api.Server: uvicorn, 2 workers, the Redis
channel layer); the watchers are the request's customer, with their JWT in the query string as
an app does. A watcher that has not heard of a batch within LOST_AFTER seconds counts as lost.
The first WARMUP_BATCHES batches (each server worker's first requests) are not counted.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import uvloop

from bench import figure
from bench.api import Server

WATCHERS = [int(n) for n in os.environ.get("BENCH_LIVE_WATCHERS", "200,1000").split(",")]
BATCHES, POINTS_PER_BATCH, PAUSE_SECONDS, LOST_AFTER = 20, 10, 0.25, 5.0
WARMUP_BATCHES = 4


def _scene():
    """An en-route request whose professional may report, with tokens for both sides."""
    from rest_framework_simplejwt.tokens import RefreshToken

    from requests_app.models import ServiceRequest, Status

    service_request = (
        ServiceRequest.objects.filter(
            status=Status.EN_ROUTE,
            customer__is_active=True,
            professional__is_active=True,
            professional__professional_profile__verification_status="approved",
        )
        .select_related("customer", "professional")
        .order_by("id")
        .first()
    )
    if service_request is None:
        raise RuntimeError("The bench data has no en-route request to watch.")
    token = lambda user: str(RefreshToken.for_user(user).access_token)  # noqa: E731
    return service_request, token(service_request.customer), token(service_request.professional)


def _post_batch(url: str, token: str, newest: datetime) -> float:
    points = [
        {
            "latitude": f"{12.9 + i / 10_000:.6f}",
            "longitude": f"{77.5 + i / 10_000:.6f}",
            "accuracy": 5,
            "recorded_at": (newest - timedelta(milliseconds=POINTS_PER_BATCH - 1 - i)).isoformat(),
        }
        for i in range(POINTS_PER_BATCH)
    ]
    request = urllib.request.Request(
        url,
        data=json.dumps({"points": points}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 201:
            raise RuntimeError(f"POST answered {response.status}")
    # Timed here, in the posting thread: read back in the event loop, the time would include
    # the loop's turn through every watcher's message, which the POST does not wait for.
    return started, time.perf_counter()


async def _fan_out(server: Server, request_id: int, watcher_token: str, poster_token: str, watchers: int):
    import websockets

    ws_url = f"ws://127.0.0.1:{server.port}/ws/requests/{request_id}/?token={watcher_token}"
    post_url = f"{server.base_url}/api/v1/requests/{request_id}/locations/"
    arrivals: list[list[tuple[float, str | bytes]]] = [[] for _ in range(watchers)]
    sockets = []
    for _ in range(watchers):
        sockets.append(
            await websockets.connect(ws_url, origin=server.base_url, open_timeout=60, max_queue=None)
        )

    async def listen(index, socket):
        # The moment first, the reading after the run: one process plays every watcher, and
        # decoding each message before stamping the next would bill the later watchers for
        # the earlier ones' JSON.
        received = arrivals[index]
        async for raw in socket:
            received.append((time.perf_counter(), raw))

    listeners = [asyncio.create_task(listen(i, s)) for i, s in enumerate(sockets)]
    base = datetime.now(UTC) - timedelta(seconds=BATCHES + WARMUP_BATCHES)
    # Not counted: the first POSTs meet a cold worker (its first request imports and connects,
    # near a second, which alone would be the p95 of 20 batches).
    for batch in range(WARMUP_BATCHES):
        await asyncio.to_thread(_post_batch, post_url, poster_token, base + timedelta(seconds=batch))
        await asyncio.sleep(PAUSE_SECONDS)
    await asyncio.sleep(1)  # the snapshot and the warm-up batches are read and dropped
    for received in arrivals:
        received.clear()
    sent, post_times = {}, []
    for batch in range(BATCHES):
        newest = base + timedelta(seconds=WARMUP_BATCHES + batch)
        started, answered = await asyncio.to_thread(_post_batch, post_url, poster_token, newest)
        post_times.append((answered - started) * 1000)
        sent[newest] = started
        await asyncio.sleep(PAUSE_SECONDS)
    await asyncio.sleep(LOST_AFTER)
    for task in listeners:
        task.cancel()
    for socket in sockets:
        await socket.close()
    latencies, lost = [], 0
    for stamped in arrivals:
        received = {}
        for moment, raw in stamped:
            message = json.loads(raw)
            if message.get("type") == "location":
                # By the instant: the server writes times in its own time zone (+05:30).
                recorded_at = datetime.fromisoformat(message["point"]["recorded_at"]).astimezone(UTC)
                received.setdefault(recorded_at, moment)
        for recorded_at, started in sent.items():
            if recorded_at in received:
                latencies.append((received[recorded_at] - started) * 1000)
            else:
                lost += 1
    return latencies, post_times, lost


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else float("nan")


def run() -> Iterator[str]:
    service_request, watcher_token, poster_token = _scene()
    yield (
        f"# live: request #{service_request.pk}, {BATCHES} batches of {POINTS_PER_BATCH} points "
        f"{PAUSE_SECONDS} s apart, watchers {WATCHERS}; baseline: the POST alone"
    )
    with Server() as server:
        for watchers in WATCHERS:
            try:
                # The watchers on uvloop, like the server: one process reads every watcher's
                # frame, and the stock loop's own turn per socket would be billed to the fan-out.
                with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
                    latencies, post_times, lost = runner.run(
                        _fan_out(server, service_request.pk, watcher_token, poster_token, watchers)
                    )
            except (OSError, RuntimeError) as error:
                raise RuntimeError(f"{error}\nServer log (tail):\n{server._log_text()}") from error
            if not latencies:
                raise RuntimeError(f"No watcher heard anything\nServer log:\n{server._log_text()}")
            name = f"live fan-out {watchers} watchers POST-to-receipt"
            yield figure(f"{name} p50", statistics.median(latencies), "ms", statistics.median(post_times))
            yield figure(f"{name} p95", _p95(latencies), "ms", _p95(post_times))
            yield f"live fan-out {watchers} watchers lost: {lost} of {watchers * BATCHES} deliveries"
