"""Django's ASGI handler with the middleware chain run as under WSGI: once, in one thread, and
that thread kept for the next request.

Django's own handler builds the chain for async use. Our middleware is synchronous (the request
id, the body guard, the user's language), Django's is both (``MiddlewareMixin``), and the views
are synchronous: so a request went from the event loop to a thread for the outer middleware,
back to the loop for the inner ``MiddlewareMixin`` ones (each of their ``process_request``,
``process_view`` and ``process_response`` another trip to the thread and back), and to the
thread again for the view. And each request got a thread of its own, started and joined.
Every trip is a hand-over between threads under the GIL; on a location batch (``tracking``)
these cost more of the server's CPU than the view did.

Here the chain is built synchronous (``load_middleware(is_async=False)``, as the WSGI handler
does) and called with one ``sync_to_async``: the same middleware in the same order, the same
responses, one trip. The thread is still the request's thread-sensitive one, so everything sync
in a request (the ``request_started``/``request_finished`` receivers that return the database
connection to the pool, the middleware, the view) shares one thread, as before; but it comes
from a set of idle single-thread executors and goes back to it after the response, as a WSGI
server's threads do (the connection is back in the pool by then: nothing of one request stays
in the thread for the next). An async view still works: Django's sync path runs it with
``async_to_sync``.
"""

from concurrent.futures import ThreadPoolExecutor

import django
from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core.handlers.asgi import ASGIHandler


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self):
        super(ASGIHandler, self).__init__()  # BaseHandler's: the chain is loaded here instead
        self.load_middleware(is_async=False)
        self._middleware_chain = sync_to_async(self._middleware_chain, thread_sensitive=True)
        # Idle executors of one thread each; the event loop alone takes and returns them.
        self._idle: list[ThreadPoolExecutor] = []

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":  # Django's own refusal
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        executor = self._idle.pop() if self._idle else ThreadPoolExecutor(max_workers=1)
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            self._idle.append(executor)


def get_asgi_application() -> SyncChainASGIHandler:
    """``django.core.asgi.get_asgi_application`` with this handler."""
    django.setup(set_prefix=False)
    return SyncChainASGIHandler()
