"""householdsvc.core.sync_slots through the ASGI handler: at most ``ASGI_SYNC_SLOTS`` requests do
their sync work at once in a process, the others wait their turn on the event loop; a request
that keeps its slot past ``ASGI_SYNC_SLOT_HOLD_SECONDS`` lets the next one in; a request that
goes away while it waits takes no slot with it."""

import asyncio
import threading
import time

import pytest
from django.http import HttpResponse
from prometheus_client import REGISTRY

from householdsvc.core.handler import SyncChainASGIHandler
from tests.test_asgi_handler import call
from tests.tracking.test_websocket import own_loop


class Gate:
    """A view that counts the requests inside it and keeps them there until opened."""

    def __init__(self):
        self.lock = threading.Lock()
        self.inside = 0
        self.most = 0
        self.served = []
        self.opened = threading.Event()

    def view(self, request):
        with self.lock:
            self.inside += 1
            self.most = max(self.most, self.inside)
        try:
            self.opened.wait(10)
        finally:
            with self.lock:
                self.inside -= 1
                self.served.append(request.GET.get("n"))
        return HttpResponse("ok")


async def until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


def valve_count(reason: str) -> float:
    """``householdsvc_sync_slot_valve_total{reason=...}`` as /metrics shows it."""
    return REGISTRY.get_sample_value("householdsvc_sync_slot_valve_total", {"reason": reason}) or 0.0


def app_with(monkeypatch, view) -> SyncChainASGIHandler:
    app = SyncChainASGIHandler()
    monkeypatch.setattr(app, "get_response", view)
    return app


@pytest.mark.django_db(transaction=True)
@own_loop
async def test_no_more_requests_than_the_slots_do_their_work_at_once(monkeypatch, settings):
    settings.ASGI_SYNC_SLOTS = 2
    settings.ASGI_SYNC_SLOT_HOLD_SECONDS = 30
    gate = Gate()
    app = app_with(monkeypatch, gate.view)
    calls = [asyncio.create_task(call(app, "/healthz")) for _ in range(5)]
    await until(lambda: gate.inside == 2)
    await asyncio.sleep(0.3)  # time for any others to get in, were they let
    assert gate.inside == 2
    assert gate.served == []
    gate.opened.set()
    answers = await asyncio.gather(*calls)
    assert [answer["status"] for answer in answers] == [200] * 5
    assert gate.most == 2


@pytest.mark.django_db(transaction=True)
@own_loop
async def test_the_waiting_requests_go_in_the_order_they_came(monkeypatch, settings):
    settings.ASGI_SYNC_SLOTS = 1
    settings.ASGI_SYNC_SLOT_HOLD_SECONDS = 30
    order = []
    first_in, first_may_go = threading.Event(), threading.Event()

    def view(request):
        number = request.META["QUERY_STRING"]
        if number == "0":
            first_in.set()
            first_may_go.wait(10)
        order.append(number)
        return HttpResponse("ok")

    app = app_with(monkeypatch, view)
    first = asyncio.create_task(call(app, "/healthz", query=b"0"))
    await asyncio.get_running_loop().run_in_executor(None, first_in.wait, 10)
    rest = []
    for number in range(1, 5):
        rest.append(asyncio.create_task(call(app, "/healthz", query=str(number).encode())))
        await asyncio.sleep(0.02)  # each one waiting before the next comes
    first_may_go.set()
    await asyncio.gather(first, *rest)
    assert order == ["0", "1", "2", "3", "4"]


@pytest.mark.django_db(transaction=True)
@own_loop
async def test_a_request_holding_its_slot_too_long_lets_the_next_in(monkeypatch, settings):
    # Given one slot, held by a request stuck on something slow (an outside API)
    settings.ASGI_SYNC_SLOTS = 1
    settings.ASGI_SYNC_SLOT_HOLD_SECONDS = 0.1
    stuck_in, stuck_may_go = threading.Event(), threading.Event()

    def view(request):
        if request.META["QUERY_STRING"] == "stuck":
            stuck_in.set()
            stuck_may_go.wait(10)
        return HttpResponse(request.META["QUERY_STRING"])

    app = app_with(monkeypatch, view)
    before = {reason: valve_count(reason) for reason in ("held", "waited")}
    stuck = asyncio.create_task(call(app, "/healthz", query=b"stuck"))
    await asyncio.get_running_loop().run_in_executor(None, stuck_in.wait, 10)
    await asyncio.sleep(0.3)  # past its hold: the timer on this loop has given the slot back
    # When another request comes, and then a third
    started = time.monotonic()
    second = await asyncio.wait_for(call(app, "/healthz", query=b"second"), 5)
    third = await asyncio.wait_for(call(app, "/healthz", query=b"third"), 5)
    waited = time.monotonic() - started
    # Then both are answered while the first is still stuck, after about the hold, not its end
    assert (second["status"], second["body"]) == (200, b"second")
    assert (third["status"], third["body"]) == (200, b"third")
    assert not stuck.done()
    assert waited < 2
    # and /metrics says why: the stuck one gave its slot back, neither had to wait the hold out
    assert valve_count("held") - before["held"] == 1
    assert valve_count("waited") - before["waited"] == 0
    stuck_may_go.set()
    assert (await stuck)["body"] == b"stuck"


@pytest.mark.django_db(transaction=True)
@own_loop
async def test_a_request_gone_while_it_waits_takes_no_slot(monkeypatch, settings):
    settings.ASGI_SYNC_SLOTS = 1
    settings.ASGI_SYNC_SLOT_HOLD_SECONDS = 30
    gate = Gate()
    app = app_with(monkeypatch, gate.view)
    holder = asyncio.create_task(call(app, "/healthz", query=b"n=holder"))
    await until(lambda: gate.inside == 1)

    async def leave():
        await asyncio.sleep(0.1)

    # The client of a waiting request goes away: it is never served ...
    gone = await asyncio.wait_for(call(app, "/healthz", query=b"n=gone", leave=leave), 5)
    assert "status" not in gone
    gate.opened.set()
    assert (await holder)["status"] == 200
    # ... and the slot is free again for the next one
    assert (await asyncio.wait_for(call(app, "/healthz", query=b"n=next"), 5))["status"] == 200
    assert gate.served == ["holder", "next"]


@pytest.mark.django_db(transaction=True)
@own_loop
async def test_no_slots_set_means_no_limit(monkeypatch, settings):
    settings.ASGI_SYNC_SLOTS = 0
    gate = Gate()
    app = app_with(monkeypatch, gate.view)
    calls = [asyncio.create_task(call(app, "/healthz")) for _ in range(4)]
    await until(lambda: gate.inside == 4)
    gate.opened.set()
    assert [answer["status"] for answer in await asyncio.gather(*calls)] == [200] * 4


@pytest.mark.django_db(transaction=True)
def test_one_handler_serves_one_event_loop_after_another(monkeypatch, settings):
    # As tests and servers that restart their loop do: the waits of each loop are its own.
    settings.ASGI_SYNC_SLOTS = 1
    settings.ASGI_SYNC_SLOT_HOLD_SECONDS = 30

    def view(request):
        time.sleep(0.05)
        return HttpResponse("ok")

    app = app_with(monkeypatch, view)

    async def burst():
        answers = await asyncio.gather(*(call(app, "/healthz") for _ in range(3)))
        return [answer["status"] for answer in answers]

    outcome = []

    def target():
        for _ in range(2):
            outcome.append(asyncio.run(burst()))

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(30)
    assert outcome == [[200, 200, 200], [200, 200, 200]]


@pytest.mark.django_db(transaction=True)
@own_loop
async def test_requests_wait_for_a_slot_no_longer_than_the_hold(monkeypatch, settings):
    # Given every slot taken by requests that will not end soon (a database down: each waits
    # for a connection), and a crowd arriving at once
    settings.ASGI_SYNC_SLOTS = 1
    settings.ASGI_SYNC_SLOT_HOLD_SECONDS = 0.2
    gate = Gate()
    app = app_with(monkeypatch, gate.view)
    started = time.monotonic()
    calls = [asyncio.create_task(call(app, "/healthz")) for _ in range(12)]
    # Then all are at their work within about one hold, not one hold after another (2.4 s)
    await until(lambda: gate.inside == 12, seconds=10)
    assert time.monotonic() - started < 1.2
    gate.opened.set()
    assert [answer["status"] for answer in await asyncio.gather(*calls)] == [200] * 12
