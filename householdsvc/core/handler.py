"""Django's ASGI handler with a request's sync work done as under WSGI: in one trip to one
thread, kept for the next request.

Django's own handler builds the middleware chain for async use. Our middleware is synchronous
(the request id, the body guard, the user's language), Django's is both (``MiddlewareMixin``),
and the views are synchronous: so a request went from the event loop to a thread for the
``request_started`` receivers, again for the outer middleware, back to the loop for the inner
``MiddlewareMixin`` ones (each of their ``process_request``, ``process_view`` and
``process_response`` another trip to the thread and back), to the thread again for the view,
and once more after the response for its ``close`` (``request_finished``, which gives the
database connection back to the pool). And each request got a thread of its own, started and
joined. Every trip is a hand-over between threads under the GIL; on a location batch
(``tracking``) they cost more of the server's CPU than the view did.

Here the chain is built synchronous (``load_middleware(is_async=False)``, as the WSGI handler
does) and one trip to the thread does ``request_started``, the chain (``BaseHandler.get_response``)
and, for a response whose body is already made (not streaming), its ``close``: the same
middleware in the same order, the same responses, the connection back in the pool before the
bytes go out. A streaming response (a file, an export) is closed after it is sent, as Django
does. The thread is the request's thread-sensitive one, so everything sync in a request shares
one thread, as before; it comes from a set of idle single-thread executors and goes back to it
after the response, as a WSGI server's threads do (nothing of one request stays in it for the
next: the connection is back in the pool). At most ``ASGI_SYNC_SLOTS`` requests are in that
trip at once, the others wait their turn on the event loop (``householdsvc.core.sync_slots``:
fewer threads handing the GIL around). An async view still works: Django's sync path runs
it with ``async_to_sync``. The rest of ``handle`` is Django 5.2's.
"""

import asyncio
import contextlib
from concurrent.futures import ThreadPoolExecutor

import django
from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse
from django.urls import set_script_prefix

from householdsvc.core.sync_slots import SyncSlots

# Idle threads kept for the next requests, per process (a burst beyond it starts new ones).
IDLE_KEPT = 32


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self):
        super(ASGIHandler, self).__init__()  # BaseHandler's: the chain is loaded here instead
        self.load_middleware(is_async=False)
        # Idle executors of one thread each; the event loop alone takes and returns them.
        self._idle: list[ThreadPoolExecutor] = []
        # How many requests do their sync work at once (householdsvc.core.sync_slots).
        self._slots = SyncSlots(settings.ASGI_SYNC_SLOTS, settings.ASGI_SYNC_SLOT_HOLD_SECONDS)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":  # Django's own refusal
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        executor = self._idle.pop() if self._idle else ThreadPoolExecutor(max_workers=1)
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        except BaseException:
            # Cut short (the server cancelled the request, or an error): the thread may still be
            # at the request's work, so it is not handed to the next request; it ends when done.
            executor.shutdown(wait=False)
            raise
        # handle() returns once the request's sync work is over (after a client went away too:
        # request_finished is sent in the same thread, behind it), its connection given back.
        if len(self._idle) < IDLE_KEPT:
            self._idle.append(executor)
        else:  # past a burst: as many threads kept as a WSGI server would have
            executor.shutdown(wait=False)

    def _respond(self, request, scope):
        """The request's sync part, in its thread: started, answered, closed unless streaming."""
        signals.request_started.send(sender=self.__class__, scope=scope)
        response = self.get_response(request)
        response._handler_class = self.__class__
        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size
        if not response.streaming:
            response.close()
        return response

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)

    async def handle(self, scope, receive, send):
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            await signals.request_started.asend(sender=self.__class__, scope=scope)
            body_file.close()
            await self.send_response(error_response, send)
            await sync_to_async(error_response.close)()
            return

        async def process_request(request, send):
            async with self._slots.slot():
                response = await sync_to_async(self._respond, thread_sensitive=True)(request, scope)
            with contextlib.suppress(asyncio.CancelledError):  # the client went away meanwhile
                await self.send_response(response, send)
            return response

        # As Django's: a disconnect while the response is made cancels it.
        tasks = [
            asyncio.create_task(self.listen_for_disconnect(receive)),
            asyncio.create_task(process_request(request, send)),
        ]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            if task.done():
                try:
                    task.result()
                except RequestAborted:
                    pass
                except AssertionError:
                    body_file.close()
                    raise
            else:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        try:
            response = tasks[1].result()
        except asyncio.CancelledError:
            await signals.request_finished.asend(sender=self.__class__)
        else:
            if response.streaming:
                await sync_to_async(response.close)()
        body_file.close()


def get_asgi_application() -> SyncChainASGIHandler:
    """``django.core.asgi.get_asgi_application`` with this handler."""
    django.setup(set_prefix=False)
    return SyncChainASGIHandler()
