"""How many requests of one web process do their sync work at once: a few slots, as a WSGI
server has a few threads per worker, with a valve for the requests that wait on I/O.

Why. Each request that runs at once is a thread contending for the GIL, and a database backend
for the cores. Unbounded (Django's ASGI way), a loaded process spent its CPU handing the GIL
around eight threads. On the location ingest bench (``python -m bench ingest``: 2 cores,
2 workers, 16 connections; this machine's speed swings by a fifth between identical runs, so
many runs taking turns) the same code took 19,700 points/s on average unbounded (15 runs,
17,400 to 22,100) and 21,600 with 3 slots (20 runs, 17,100 to 29,300); the CPU per batch fell
from 9.1 to 8.3 ms, PostgreSQL's share from 3.05 to 2.50 ms (fewer backends at once). The API
list bench moved within its noise. A request beyond the slots waits its turn on the event loop,
which costs nothing, in the order it came.

The valve, ``ASGI_SYNC_SLOT_HOLD_SECONDS`` both ways:
- a request keeps its slot that long at most: one that takes longer is waiting on something (an
  outside API, a lock, a slow query), not using the CPU, so the slot goes to the next request
  while it goes on in its own thread;
- a request waits that long at most: when every slot is still taken by then (a database down,
  each request waiting for a connection that will not come), it goes on without one.
So a stalled dependency delays the other requests by that much, never holds them up behind it,
however many come.

``ASGI_SYNC_SLOTS = 0``: no limit (every request at once, as Django's own handler).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import weakref

from prometheus_client import Counter, Histogram

SLOT_WAIT = Histogram(
    "householdsvc_sync_slot_wait_seconds",
    "Time a request waited for a slot to do its sync work in (householdsvc.core.sync_slots).",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
)
SLOT_VALVE = Counter(
    "householdsvc_sync_slot_valve_total",
    "Requests past ASGI_SYNC_SLOT_HOLD_SECONDS: `held` gave their slot to the next one, "
    "`waited` went on without one.",
    ["reason"],
)


class SyncSlots:
    """``size`` slots per event loop (a handler may serve one loop after another: tests do)."""

    def __init__(self, size: int, hold_seconds: float):
        self.size = size
        self.hold_seconds = hold_seconds
        self._semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    @contextlib.asynccontextmanager
    async def slot(self):
        """Hold a slot for the block, or until the hold is over; wait for one if none is free,
        for the hold at most. Cancelled while it waits (the client went away), it takes none."""
        if self.size <= 0:
            yield
            return
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.size)
        if not await self._acquire(semaphore):
            yield
            return
        held = True

        def give_back(overstayed: bool = False) -> None:
            nonlocal held
            if held:
                held = False
                semaphore.release()
                if overstayed:
                    SLOT_VALVE.labels(reason="held").inc()

        timer = loop.call_later(self.hold_seconds, give_back, True)
        try:
            yield
        finally:
            timer.cancel()
            give_back()

    async def _acquire(self, semaphore: asyncio.Semaphore) -> bool:
        """Whether a slot was taken (False: none came free within the hold)."""
        if not semaphore.locked():
            await semaphore.acquire()  # free: taken at once, without a wait
            SLOT_WAIT.observe(0)
            return True
        started = time.perf_counter()
        try:
            # A slot that comes free as the wait ends is kept (wait_for returns it), not lost.
            await asyncio.wait_for(semaphore.acquire(), self.hold_seconds)
        except TimeoutError:
            SLOT_VALVE.labels(reason="waited").inc()
            return False
        finally:
            SLOT_WAIT.observe(time.perf_counter() - started)
        return True
