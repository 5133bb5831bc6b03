"""The soak's traffic, as Locust users (bench.soak runs them headless, in-process): customers
book and poll their requests, professionals take offers and post points, admins list requests
and export them. Each request's outcome is judged here (``catch_response``): a lost race to an
offer (403 ``not_offered``, 409) is what a professional expects, not an error.

``SCENE`` is filled by bench.soak before the users start: the service, the pin code and one
access token per person (bench.soak_data)."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

from locust import HttpUser, between, task

SCENE: dict = {}
# Export ids answered 201, and the number answered 503 (refused while the broker was down).
EXPORTS: dict = {"requested": [], "refused": 0}
POINTS_PER_BATCH, BATCHES_PER_JOB = 5, 8
_tokens: dict = {}


def _next_token(role: str) -> str:
    if role not in _tokens:
        _tokens[role] = itertools.cycle(SCENE[role])
    return next(_tokens[role])


def _judge(response, *ok: int) -> bool:
    if response.status_code in ok:
        response.success()
        return True
    response.failure(f"{response.status_code} {response.text[:120]}")
    return False


def _results(payload):
    return payload["results"] if isinstance(payload, dict) else payload


class Customer(HttpUser):
    fixed_count = 6
    wait_time = between(1, 3)

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {_next_token('customers')}"
        self.mine: list[int] = []

    @task(1)
    def book(self):
        booking = {
            "service": SCENE["service"],
            "description": "Soak: kitchen and two bathrooms.",
            "address": "14 Church Street",
            "pin_code": SCENE["pin_code"],
        }
        with self.client.post(
            "/api/v1/requests/", json=booking, name="POST /api/v1/requests/", catch_response=True
        ) as response:
            if _judge(response, 201):
                self.mine = [*self.mine[-9:], response.json()["id"]]

    @task(3)
    def poll_list(self):
        with self.client.get("/api/v1/requests/", name="GET /api/v1/requests/", catch_response=True) as r:
            _judge(r, 200)

    @task(3)
    def poll_one(self):
        if not self.mine:
            return
        with self.client.get(
            f"/api/v1/requests/{random.choice(self.mine)}/",
            name="GET /api/v1/requests/[id]/",
            catch_response=True,
        ) as response:
            _judge(response, 200)


class Professional(HttpUser):
    fixed_count = 4
    wait_time = between(1, 2)

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {_next_token('professionals')}"
        self.job, self.batches = None, 0

    @task
    def work(self):
        if self.job is None:
            self._take_an_offer()
        else:
            self._post_points()

    def _take_an_offer(self):
        with self.client.get("/api/v1/offers/", name="GET /api/v1/offers/", catch_response=True) as response:
            if not _judge(response, 200):
                return
            offers = _results(response.json())
        if not offers:
            return
        request_id = random.choice(offers)["request_id"]
        with self.client.post(
            f"/api/v1/requests/{request_id}/accept/",
            name="POST /api/v1/requests/[id]/accept/",
            catch_response=True,
        ) as response:
            # Another professional was quicker: 409 (taken) or 403 (the offer went with it).
            if not _judge(response, 200, 403, 409) or response.status_code != 200:
                return
        with self.client.post(
            f"/api/v1/requests/{request_id}/start/",
            name="POST /api/v1/requests/[id]/start/",
            catch_response=True,
        ) as response:
            if _judge(response, 200):
                self.job, self.batches = request_id, 0

    def _post_points(self):
        newest = datetime.now(UTC)
        points = [
            {
                "latitude": f"{12.9716 + random.uniform(-0.01, 0.01):.6f}",
                "longitude": f"{77.5946 + random.uniform(-0.01, 0.01):.6f}",
                "accuracy": 5,
                "recorded_at": (
                    newest - timedelta(milliseconds=200 * (POINTS_PER_BATCH - 1 - i))
                ).isoformat(),
            }
            for i in range(POINTS_PER_BATCH)
        ]
        with self.client.post(
            f"/api/v1/requests/{self.job}/locations/",
            json={"points": points},
            name="POST /api/v1/requests/[id]/locations/",
            catch_response=True,
        ) as response:
            _judge(response, 201)
        self.batches += 1
        if self.batches >= BATCHES_PER_JOB:
            self.job = None  # on to the next offer (the job stays en route)


class Admin(HttpUser):
    fixed_count = 2
    wait_time = between(2, 4)

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {SCENE['admin']}"

    @task(2)
    def list_requests(self):
        with self.client.get(
            "/api/v1/requests/?page_size=50", name="GET /api/v1/requests/ (admin)", catch_response=True
        ) as response:
            _judge(response, 200)

    @task(1)
    def export(self):
        with self.client.post(
            "/api/v1/exports/",
            json={"kind": "service_requests", "filters": {}},
            name="POST /api/v1/exports/",
            catch_response=True,
        ) as response:
            if _judge(response, 201):
                EXPORTS["requested"].append(response.json()["id"])
            elif response.status_code == 503:
                EXPORTS["refused"] += 1

    @task(1)
    def poll_export(self):
        if not EXPORTS["requested"]:
            return
        with self.client.get(
            f"/api/v1/exports/{EXPORTS['requested'][-1]}/",
            name="GET /api/v1/exports/[id]/",
            catch_response=True,
        ) as response:
            _judge(response, 200)
