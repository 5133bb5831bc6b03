"""One channel-layer subscription per watched request per server process, fanned out in process.

Channels' way gives every consumer a layer channel of its own and a receive loop: each group
message is copied into every watcher's queue, decoded once per watcher and dispatched by a task
per watcher (``asyncio.wait`` on two tasks, a fresh task per message). With a thousand screens
on one request that bookkeeping, not the writing of the frame, was most of a fan-out's time.

Here the first watcher of a group in a process subscribes one layer channel to the group; one
task per group reads it, decodes each message once and hands the same dict to every local
member in join order. A member handles it at once while it can (its handler runs until it
would wait; a position is sent without ever waiting), so no task is made per watcher; a
member whose handler waits (a status change reads the database; a client whose socket
buffer is full) gets a task of its own, and the messages that reach it meanwhile wait in its
inbox, in order. So each watcher still sees its messages one at a time, in the order sent,
and a slow one holds up only itself. Every ``YIELD_EVERY`` members the loop gets a turn, so
the server's other sockets and requests are not shut out by a long fan-out.

A member is joined (subscribed) before it reads its snapshot, as before; the messages that
reach it before ``ready`` are kept and handled after the snapshot, like the messages that
waited in its channel while Channels ran ``connect``. The last member to leave unsubscribes.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import types
from collections import deque

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

YIELD_EVERY = 100


class Member:
    """What a consumer needs to be fanned out to (mixed into it)."""

    def hub_init(self) -> None:
        self._hub_inbox: deque = deque()
        self._hub_runner = None  # a task, or "connecting" until ready()
        self._hub_failed = None
        self._hub_context = contextvars.copy_context()

    async def hub_handle(self, event: dict) -> None:  # pragma: no cover (overridden)
        raise NotImplementedError

    def hub_failed(self, error: BaseException) -> None:  # pragma: no cover (overridden)
        """A handler raised: the member is out of the group (close the socket)."""


@types.coroutine
def _carry_on(coro, yielded):
    """The rest of a coroutine already run up to its first wait (``yielded``), as a coroutine
    for a task to drive: what Python 3.12's eager tasks do."""
    while True:
        try:
            sent = yield yielded
        except BaseException as error:
            try:
                yielded = coro.throw(error)
            except StopIteration as done:
                return done.value
        else:
            try:
                yielded = coro.send(sent)
            except StopIteration as done:
                return done.value


class _Group:
    def __init__(self, loop):
        self.members: dict[Member, None] = {}  # ordered: join order
        self.channel: str | None = None
        self.pump: asyncio.Task | None = None
        self.ready = loop.create_future()


class Hub:
    """The fan-out of one event loop (the PubSub layer keeps its subscriptions per loop too)."""

    def __init__(self, loop):
        self.loop = loop
        self.groups: dict[str, _Group] = {}
        self.lock = asyncio.Lock()  # subscribing and unsubscribing, one group at a time
        self.cleanup: asyncio.Future | None = None

    async def join(self, group_name: str, member: Member) -> None:
        """Subscribed on return; raises what the layer raises (Redis down)."""
        # Its handlers run in a context of its own (made here), as in a task of its own:
        # asgiref keeps state there, e.g. that the shared sync thread is in use by this caller.
        member.hub_init()
        member._hub_runner = "connecting"
        group = self.groups.get(group_name)
        if group is None:
            group = self.groups[group_name] = _Group(self.loop)
            group.members[member] = None
            try:
                async with self.lock:
                    layer = get_channel_layer()
                    group.channel = await layer.new_channel()
                    await layer.group_add(group_name, group.channel)
            except BaseException as error:
                if self.groups.get(group_name) is group:
                    del self.groups[group_name]
                group.ready.set_result(error)
                if group.channel is not None:
                    self.cleanup = asyncio.ensure_future(self._unsubscribe(group_name, group))
                raise
            group.pump = self.loop.create_task(self._pump(group_name, group))
            group.ready.set_result(None)
            return
        group.members[member] = None
        error = await asyncio.shield(group.ready)
        if error is not None:
            group.members.pop(member, None)
            if isinstance(error, asyncio.CancelledError):  # the first watcher went away: again
                return await self.join(group_name, member)
            raise error

    def ready(self, member: Member) -> None:
        """The member has sent its snapshot: the messages kept meanwhile, then live ones."""
        if member._hub_runner != "connecting":
            return
        member._hub_runner = None
        if member._hub_inbox:
            member._hub_runner = self._task(member, self._drain(member, None, None))

    async def leave(self, group_name: str, member: Member) -> None:
        group = self.groups.get(group_name)
        if group is None or member not in group.members:
            return
        del group.members[member]
        member._hub_inbox.clear()
        if not group.members:
            if self.groups.get(group_name) is group:
                del self.groups[group_name]
            await self._unsubscribe(group_name, group)

    async def _unsubscribe(self, group_name: str, group: _Group) -> None:
        if group.pump is not None:
            group.pump.cancel()  # the layer drops the channel's own subscription then
        try:
            async with self.lock:
                await get_channel_layer().group_discard(group_name, group.channel)
        except Exception:
            logger.warning("Live feed of %s could not unsubscribe", group_name, exc_info=True)

    async def _pump(self, group_name: str, group: _Group) -> None:
        layer = get_channel_layer()
        while True:
            try:
                event = await layer.receive(group.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("Live feed of %s could not read the channel layer", group_name, exc_info=True)
                await asyncio.sleep(1)
                continue
            for count, member in enumerate(list(group.members), start=1):
                if member in group.members and member._hub_failed is None:
                    self._deliver(member, event)
                if count % YIELD_EVERY == 0:
                    await asyncio.sleep(0)

    def _deliver(self, member: Member, event: dict) -> None:
        if member._hub_runner is not None:
            member._hub_inbox.append(event)
            return
        coro = member.hub_handle(event)
        try:
            yielded = member._hub_context.run(coro.send, None)
        except StopIteration:
            return
        except Exception as error:
            self._fail(member, error)
            return
        member._hub_runner = self._task(member, self._drain(member, coro, yielded))

    def _task(self, member: Member, coro) -> asyncio.Task:
        return self.loop.create_task(coro, context=member._hub_context)

    async def _drain(self, member: Member, coro, yielded) -> None:
        try:
            if coro is not None:
                await _carry_on(coro, yielded)
            while member._hub_inbox:
                await member.hub_handle(member._hub_inbox.popleft())
        except Exception as error:
            self._fail(member, error)
        finally:
            if member._hub_runner is not None and member._hub_runner is asyncio.current_task():
                member._hub_runner = None

    def _fail(self, member: Member, error: Exception) -> None:
        """Sent nothing more (its consumer's ``leave`` takes it out of the group)."""
        logger.warning("Live feed: a watcher's handler failed", exc_info=error)
        member._hub_failed = error
        member._hub_inbox.clear()
        member.hub_failed(error)


_hubs: dict = {}


def hub() -> Hub:
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        for old in [old for old in _hubs if old.is_closed()]:
            del _hubs[old]
        found = _hubs[loop] = Hub(loop)
    return found
