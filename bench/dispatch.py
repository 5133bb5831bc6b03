"""Dispatch latency: from a customer's ``POST /api/v1/requests/`` (roadside help, over HTTP with
their JWT) to the offer arriving on a professional's ``/ws/offers/`` socket, p50/p95 over
REQUESTS requests sent one after another, against a bare channel-layer ``group_send`` to one of
the same sockets (to receipt) in the same run: the ratio says what booking, matching and the
offer rows add to the live path itself.

The server is the production ASGI application (bench.api.Server: uvicorn, 2 workers, the Redis
channel layer), as bench/live.py runs it; the offers go out from the request's own transaction
(on commit), so no Celery worker is on the path (the round's countdown is only queued). The
listeners are the nearest ``nearest_cap()`` professionals of one roadside service around the
breakdown (every one the request can be offered to), each with their own socket and JWT; the
receipt is the first socket to hear of the request. The requests made are deleted afterwards.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
import urllib.request
from collections.abc import Iterator
from decimal import Decimal

from bench import figure
from bench.api import Server

REQUESTS = 200
LOST_AFTER = 10.0
BREAKDOWN = (Decimal("12.971600"), Decimal("77.594600"))


def _scene():
    """(customer token, service id, [(professional id, token)]) with fresh positions."""
    from django.db import connection
    from django.utils import timezone
    from rest_framework_simplejwt.tokens import RefreshToken

    from accounts.models import Role, User
    from catalog.models import Service, ServiceKind
    from requests_app import matching
    from requests_app.models import ServiceRequest

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_professionalprofile SET position_updated_at = now() + interval '1 day' "
            "WHERE current_latitude IS NOT NULL AND position_updated_at < now() + interval '1 hour'"
        )
    services = Service.objects.filter(kind=ServiceKind.DISPATCH, is_active=True).order_by("id")
    service = services.filter(name="Flat tyre").first() or services.first()
    customer = User.objects.filter(role=Role.CUSTOMER, is_active=True).order_by("id").first()
    if service is None or customer is None:
        raise RuntimeError("The bench data has no roadside service or no customer.")
    if customer.email_confirmed_at is None:  # the loader confirms nobody; booking needs it
        User.objects.filter(pk=customer.pk).update(email_confirmed_at=timezone.now())
    probe = ServiceRequest(service=service, latitude=BREAKDOWN[0], longitude=BREAKDOWN[1])
    listeners = list(matching.dispatch_candidates(service_request=probe))
    if not listeners:
        raise RuntimeError("Nobody is in range of the breakdown in the bench data.")

    def token(user):
        return str(RefreshToken.for_user(user).access_token)

    return token(customer), service.pk, [(user.pk, token(user)) for user in listeners]


def _post_request(url: str, token: str, service_id: int) -> tuple[float, int, float]:
    body = {
        "service": service_id,
        "description": "Flat tyre on the ring road (bench)",
        "latitude": str(BREAKDOWN[0]),
        "longitude": str(BREAKDOWN[1]),
    }
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 201:
            raise RuntimeError(f"POST answered {response.status}")
        request_id = json.loads(response.read())["id"]
        return started, request_id, time.perf_counter()


async def _wait(arrivals: dict, key, seconds: float = LOST_AFTER) -> float | None:
    deadline = time.perf_counter() + seconds
    while key not in arrivals:
        if time.perf_counter() > deadline:
            return None
        await asyncio.sleep(0.0005)
    return arrivals[key]


async def _measure(server: Server, customer_token: str, service_id: int, listeners: list, created: list):
    import websockets
    from channels.layers import get_channel_layer

    from requests_app.offer_events import professional_offers_group

    arrivals: dict[int, float] = {}
    sockets = []
    for _, token in listeners:
        socket = await websockets.connect(
            f"ws://127.0.0.1:{server.port}/ws/offers/?token={token}",
            origin=server.base_url,
            open_timeout=60,
            max_queue=None,
        )
        snapshot = json.loads(await socket.recv())
        if snapshot.get("type") != "snapshot":
            raise RuntimeError(f"The offers socket began with {snapshot!r}")
        sockets.append(socket)

    async def listen(socket):
        async for raw in socket:
            message = json.loads(raw)
            if message.get("type") == "offer":
                arrivals.setdefault(message["request_id"], time.perf_counter())

    tasks = [asyncio.create_task(listen(socket)) for socket in sockets]
    layer = get_channel_layer()
    group = professional_offers_group(listeners[0][0])
    bare, booked, answered, lost = [], [], [], 0
    try:
        for number in range(1, REQUESTS + 1):
            started = time.perf_counter()
            await layer.group_send(group, {"type": "offer", "request_id": -number})
            received = await _wait(arrivals, -number)
            if received is not None:
                bare.append((received - started) * 1000)
        post_url = f"{server.base_url}/api/v1/requests/"
        for _ in range(REQUESTS):
            started, request_id, answer = await asyncio.to_thread(
                _post_request, post_url, customer_token, service_id
            )
            created.append(request_id)
            answered.append((answer - started) * 1000)
            received = await _wait(arrivals, request_id)
            if received is None:
                lost += 1
            else:
                booked.append((received - started) * 1000)
    finally:
        for task in tasks:
            task.cancel()
        for socket in sockets:
            await socket.close()
    return booked, bare, answered, lost


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else float("nan")


def run() -> Iterator[str]:
    from requests_app.models import ServiceRequest

    customer_token, service_id, listeners = _scene()
    yield (
        f"# dispatch: {REQUESTS} roadside requests one after another, {len(listeners)} professionals' "
        "offer sockets listening; baseline: a bare channel-layer group_send to one of them"
    )
    created: list[int] = []
    with Server() as server:
        try:
            booked, bare, answered, lost = asyncio.run(
                _measure(server, customer_token, service_id, listeners, created)
            )
        except (OSError, RuntimeError) as error:
            raise RuntimeError(f"{error}\nServer log (tail):\n{server._log_text()}") from error
        finally:
            if created:
                ServiceRequest.objects.filter(pk__in=created).delete()
    if not booked:
        raise RuntimeError("No offer arrived on any socket.")
    name = "dispatch POST /requests/ to offer on the WebSocket"
    yield figure(f"{name} p50", statistics.median(booked), "ms", statistics.median(bare))
    yield figure(f"{name} p95", _p95(booked), "ms", _p95(bare))
    yield f"dispatch offers lost: {lost} of {REQUESTS}"
    answer = statistics.median(answered)
    yield f"# the POST's own answer (the booking, offers announced on commit): p50 {answer:.1f} ms"
