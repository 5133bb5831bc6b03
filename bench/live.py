"""Live fan-out: a professional posts a batch of positions while N customers' WebSockets watch
the request; the figure is POST-to-receipt at every watcher (from just before the POST is sent
to the moment a watcher reads the new position), against the POST alone in the same run (the
time until the POST's own answer), so the ratio says what the fan-out adds on top.

The server is the production ASGI application (bench.api.Server: uvicorn, 2 workers, the Redis
channel layer); the watchers are the request's customer, with their JWT in the query string as
an app does. A watcher that has not heard of a batch within LOST_AFTER seconds counts as lost.
The first WARMUP_BATCHES batches (each server worker's first requests) are not counted.

The watchers run in CLIENT_PROCESSES processes of their own (``BENCH_LIVE_CLIENT_PROCESSES``,
2), each frame stamped as its connection parses it off the socket; the POSTs go from this
process, which plays no watcher. One process reading a thousand sockets spent ~45 µs on each
frame, so the last watcher's stamp was the client's turn through the others, not the server.
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
CLIENT_PROCESSES = int(os.environ.get("BENCH_LIVE_CLIENT_PROCESSES", "2"))
# The server's port: a free one unless given (helpers sharing a machine keep to their ranges).
PORT = os.environ.get("BENCH_LIVE_PORT")
BATCHES, POINTS_PER_BATCH, PAUSE_SECONDS, LOST_AFTER = 20, 10, 0.25, 5.0
WARMUP_BATCHES = 4
# Between the newest points of two batches: all in the past when posted, and all after the
# previous run's (a watcher never shows a point older than the one it has, and the previous
# run ended LOST_AFTER seconds ago).
SPACING = timedelta(milliseconds=100)


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


class _Watchers:
    """``count`` watchers in a process of their own (spawned: a fresh interpreter, on uvloop
    like the server). Each frame is stamped when the watcher's connection parses it off the
    socket, before any reading code runs, so a busy watcher process does not bill its own turn
    through the other sockets to the server; the messages are decoded after the run."""

    def __init__(self, ws_url: str, origin: str, count: int):
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self.pipe, child = context.Pipe()
        self.process = context.Process(target=_watch, args=(ws_url, origin, count, child), daemon=True)
        self.process.start()

    def ask(self, command: str, timeout: float = 120):
        self.pipe.send(command)
        if not self.pipe.poll(timeout):
            raise RuntimeError(f"The watchers did not answer {command!r} within {timeout} s")
        answer = self.pipe.recv()
        if isinstance(answer, str) and answer.startswith("error"):
            raise RuntimeError(answer)
        return answer

    def close(self):
        self.process.join(timeout=30)
        if self.process.is_alive():
            self.process.kill()


def _watch(ws_url: str, origin: str, count: int, pipe) -> None:
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        try:
            runner.run(_watching(ws_url, origin, count, pipe))
        except Exception as error:
            pipe.send(f"error in the watchers' process: {error!r}")


async def _watching(ws_url: str, origin: str, count: int, pipe) -> None:
    import websockets
    from websockets.asyncio.client import ClientConnection
    from websockets.frames import Opcode

    class Stamped(ClientConnection):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.arrivals: list[float] = []

        def process_event(self, event):
            if getattr(event, "opcode", None) is Opcode.TEXT:
                self.arrivals.append(time.perf_counter())
            super().process_event(event)

    connect = [
        websockets.connect(ws_url, origin=origin, open_timeout=60, max_queue=None, create_connection=Stamped)
        for _ in range(count)
    ]
    sockets = list(await asyncio.gather(*connect))
    texts: list[list[str]] = [[] for _ in sockets]
    assert await asyncio.to_thread(pipe.recv) == "ready?"
    pipe.send("ready")

    async def listen(index, socket):
        async for raw in socket:
            texts[index].append(raw)

    listeners = [asyncio.create_task(listen(i, s)) for i, s in enumerate(sockets)]
    command = await asyncio.to_thread(pipe.recv)  # the snapshot and the warm-up are read
    assert command == "clear", command
    for index, socket in enumerate(sockets):
        texts[index], socket.arrivals = [], socket.arrivals[len(texts[index]) :]
    pipe.send("cleared")
    command = await asyncio.to_thread(pipe.recv)  # "stop"
    assert command == "stop", command
    for task in listeners:
        task.cancel()
    await asyncio.gather(*(socket.close() for socket in sockets))
    heard = []
    for socket, received in zip(sockets, texts, strict=True):
        stamps = {}
        for moment, raw in zip(socket.arrivals, received, strict=False):
            message = json.loads(raw)
            if message.get("type") == "location":
                # By the instant: the server writes times in its own time zone (+05:30).
                recorded_at = datetime.fromisoformat(message["point"]["recorded_at"]).astimezone(UTC)
                stamps.setdefault(recorded_at, moment)
        heard.append(stamps)
    pipe.send(heard)


def _fan_out(server: Server, request_id: int, watcher_token: str, poster_token: str, watchers: int):
    ws_url = f"ws://127.0.0.1:{server.port}/ws/requests/{request_id}/?token={watcher_token}"
    post_url = f"{server.base_url}/api/v1/requests/{request_id}/locations/"
    # The watchers split over processes, so the figure is the server's and not one client
    # process's turn through a thousand sockets (on the same cores as the server).
    each, more = divmod(watchers, CLIENT_PROCESSES)
    shares = [each + (i < more) for i in range(CLIENT_PROCESSES)]
    groups = [_Watchers(ws_url, server.base_url, share) for share in shares if share]
    try:
        base = datetime.now(UTC) - (BATCHES + WARMUP_BATCHES) * SPACING
        for group in groups:
            if group.ask("ready?") != "ready":
                raise RuntimeError("The watchers did not connect")
        # Not counted: the first POSTs meet a cold worker (its first request imports and
        # connects, near a second, which alone would be the p95 of 20 batches).
        for batch in range(WARMUP_BATCHES):
            _post_batch(post_url, poster_token, base + batch * SPACING)
            time.sleep(PAUSE_SECONDS)
        time.sleep(1)  # the snapshot and the warm-up batches are read and dropped
        for group in groups:
            group.ask("clear")
        sent, post_times = {}, []
        for batch in range(BATCHES):
            newest = base + (WARMUP_BATCHES + batch) * SPACING
            # The POST from this process, which plays no watcher: timed by itself.
            started, answered = _post_batch(post_url, poster_token, newest)
            post_times.append((answered - started) * 1000)
            sent[newest] = started
            time.sleep(PAUSE_SECONDS)
        time.sleep(LOST_AFTER)
        heard = [stamps for group in groups for stamps in group.ask("stop")]
    finally:
        for group in groups:
            group.close()
    latencies, lost = [], 0
    for received in heard:
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
    server = Server()
    if PORT:
        server.port, server.base_url = int(PORT), f"http://127.0.0.1:{PORT}"
    with server:
        for watchers in WATCHERS:
            try:
                latencies, post_times, lost = _fan_out(
                    server, service_request.pk, watcher_token, poster_token, watchers
                )
            except (OSError, RuntimeError) as error:
                raise RuntimeError(f"{error}\nServer log (tail):\n{server._log_text()}") from error
            if not latencies:
                raise RuntimeError(f"No watcher heard anything\nServer log:\n{server._log_text()}")
            name = f"live fan-out {watchers} watchers POST-to-receipt"
            yield figure(f"{name} p50", statistics.median(latencies), "ms", statistics.median(post_times))
            yield figure(f"{name} p95", _p95(latencies), "ms", _p95(post_times))
            yield f"live fan-out {watchers} watchers lost: {lost} of {watchers * BATCHES} deliveries"
