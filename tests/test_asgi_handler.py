"""householdsvc.core.handler: the same responses as Django's ASGI handler, with the middleware
chain and the view in one thread that is kept for the next request."""

import asyncio
import re
import threading

import pytest
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_finished, request_started
from django.db import connection, connections, transaction
from django.http import HttpResponse, StreamingHttpResponse

from householdsvc.core import handler as handler_module
from householdsvc.core.handler import SyncChainASGIHandler
from tests.tracking.test_websocket import own_loop

# What differs between any two responses: the request id made up for each request, the CSP
# nonce, the CSRF token (cookie and form field).
VARYING = {b"x-request-id"}
RANDOM = re.compile(rb"(nonce-|nonce=\"|csrftoken=|csrfmiddlewaretoken\" value=\")[A-Za-z0-9+/=_-]+")


def _same(value: bytes) -> bytes:
    return RANDOM.sub(rb"\1?", value)


async def call(
    app, path: str, *, method: str = "GET", body: bytes = b"", headers=(), leave=None, query: bytes = b""
) -> dict:
    """One HTTP request through an ASGI application: status, headers and body. ``leave``: an
    ``async`` function after which the client goes away (else it stays for the response)."""
    sent = False

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        if leave is None:
            await asyncio.sleep(3600)
        await leave()
        return {"type": "http.disconnect"}

    answer = {"body": b""}

    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
            answer["headers"] = sorted(
                (name.lower(), _same(value))
                for name, value in message["headers"]
                if name.lower() not in VARYING
            )
        else:
            answer["body"] += _same(message.get("body", b""))

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    await app(scope, receive, send)
    return answer


JSON = [(b"content-type", b"application/json")]
CASES = [
    ("GET", "/healthz", b"", ()),
    ("GET", "/api/v1/requests/", b"", ()),
    ("POST", "/api/v1/requests/1/locations/", b'{"points": []}', JSON),
    ("POST", "/api/v1/requests/1/locations/", b"[" * 100 + b"]" * 100, JSON),
    ("GET", "/no-such-page/", b"", ()),
    ("GET", "/accounts/login/", b"", ()),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("method", "path", "body", "headers"), CASES)
@own_loop
async def test_the_same_response_as_djangos_handler(method, path, body, headers):
    ours = await call(SyncChainASGIHandler(), path, method=method, body=body, headers=headers)
    django_s = await call(ASGIHandler(), path, method=method, body=body, headers=headers)
    assert ours == django_s
    assert ours["status"] != 500


@pytest.mark.django_db(transaction=True)
@own_loop
async def test_a_request_is_started_and_finished_once_in_a_thread_kept_for_the_next():
    app = SyncChainASGIHandler()
    seen = []

    def started(**kwargs):
        seen.append(("started", threading.get_ident()))

    def finished(**kwargs):
        seen.append(("finished", threading.get_ident()))

    request_started.connect(started)
    request_finished.connect(finished)
    try:
        for _ in range(3):
            assert (await call(app, "/healthz"))["status"] == 200
    finally:
        request_started.disconnect(started)
        request_finished.disconnect(finished)
    assert [name for name, _ in seen] == ["started", "finished"] * 3
    # One request at a time: one thread, started once, and idle again after each response.
    threads = {thread for _, thread in seen}
    assert len(threads) == 1
    assert threading.get_ident() not in threads
    assert len(app._idle) == 1


@pytest.mark.django_db(transaction=True)
@own_loop
async def test_a_streaming_response_is_closed_once_sent(monkeypatch):
    app = SyncChainASGIHandler()
    events = []

    def parts():  # sync, as an export's: Django warns and serves it
        events.append("sent")
        yield b"a"
        yield b"b"

    def finished(**kwargs):
        events.append("finished")

    monkeypatch.setattr(app, "get_response", lambda request: StreamingHttpResponse(parts()))
    request_finished.connect(finished)
    try:
        answer = await call(app, "/healthz")
    finally:
        request_finished.disconnect(finished)
    assert answer["body"] == b"ab"
    assert events == ["sent", "finished"]


@pytest.mark.django_db(transaction=True)
@own_loop
async def test_concurrent_requests_each_have_a_thread():
    app = SyncChainASGIHandler()
    await asyncio.gather(*(call(app, "/healthz") for _ in range(3)))
    assert 1 <= len(app._idle) == len(set(app._idle)) <= 3
    # Again: the idle ones are taken first, none is shared by two requests at once.
    await asyncio.gather(*(call(app, "/healthz") for _ in range(3)))
    assert 1 <= len(app._idle) == len(set(app._idle)) <= 3


@own_loop
async def test_refuses_what_is_not_http():
    with pytest.raises(ValueError, match="websocket"):
        await SyncChainASGIHandler()({"type": "websocket"}, None, None)


@pytest.mark.django_db(transaction=True)
@own_loop
async def test_a_client_gone_mid_request_leaves_no_transaction_open(monkeypatch):
    # Given a view inside a transaction that holds a lock when the client goes away
    app = SyncChainASGIHandler()
    in_view, may_finish = threading.Event(), threading.Event()
    seen = []

    def view(request):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE django_session IN ACCESS SHARE MODE")
            in_view.set()
            may_finish.wait(10)
        seen.append(("view done", threading.get_ident()))
        return HttpResponse("late")

    def finished(**kwargs):
        seen.append(("finished", threading.get_ident(), connection.connection is None))

    async def leave():
        await asyncio.get_running_loop().run_in_executor(None, in_view.wait, 10)
        threading.Timer(0.2, may_finish.set).start()  # the view ends after the client has gone

    monkeypatch.setattr(app, "get_response", view)
    request_finished.connect(finished)
    try:
        # When the client goes away before the answer
        answer = await call(app, "/healthz", leave=leave)
    finally:
        request_finished.disconnect(finished)
    # Then nothing was sent, the call returned only once the view was over, request_finished
    # ran in the view's thread after it, and the connection was given back
    assert "status" not in answer
    view_thread = seen[0][1]
    assert seen[0] == ("view done", view_thread)
    assert ("finished", view_thread, True) in seen[1:]
    # and so no transaction holds the table: a TRUNCATE (the test database's flush) would not wait
    await sync_to_async(_lock_all_of, thread_sensitive=False)("django_session")
    assert app._idle != []


def _lock_all_of(table: str) -> None:
    """Take the table as a TRUNCATE does, on a connection of its own; fail after a second."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SET lock_timeout = '1s'")
            cursor.execute(f"BEGIN; LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE; ROLLBACK")
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
@own_loop
async def test_a_thread_cut_short_is_not_handed_to_the_next_request(monkeypatch):
    app = SyncChainASGIHandler()
    in_view, may_finish = threading.Event(), threading.Event()

    def view(request):
        in_view.set()
        may_finish.wait(10)
        return HttpResponse("late")

    monkeypatch.setattr(app, "get_response", view)
    cut = asyncio.create_task(call(app, "/healthz"))
    await asyncio.get_running_loop().run_in_executor(None, in_view.wait, 10)
    cut.cancel()  # as a server does to its requests when it stops
    with pytest.raises(asyncio.CancelledError):
        await cut
    may_finish.set()
    assert app._idle == []


@pytest.mark.django_db(transaction=True)
@own_loop
async def test_idle_threads_beyond_the_limit_are_let_go(monkeypatch):
    monkeypatch.setattr(handler_module, "IDLE_KEPT", 2)
    app = SyncChainASGIHandler()
    await asyncio.gather(*(call(app, "/healthz") for _ in range(4)))
    assert len(app._idle) <= 2
