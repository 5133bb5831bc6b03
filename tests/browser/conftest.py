"""Real-browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live
server. Playwright never downloads a browser here; it uses the system one."""

import os

import pytest
from django.conf import settings
from django.test import Client

# Playwright's sync API runs an event loop in this thread, and Django refuses ORM calls from a
# thread with a running loop; the fixtures and assertions here are plain synchronous code, so
# the documented escape hatch is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser):
    """``new_context(**options)``: a fresh browser profile (own cookies), closed after the test."""
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def logged_in_context(new_context, live_server):
    """``logged_in_context(user, **options)``: a browser profile already holding the user's
    session, for tests about a page rather than about logging in."""

    def make(user, **options):
        client = Client()
        client.force_login(user)
        context = new_context(**options)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        return context

    return make


# --- The real ASGI application, for pages that use the WebSocket ----------------------------


class AsgiServer:
    """``householdsvc.asgi:application`` (HTTP and WebSocket, as in production) under uvicorn, in
    a thread of the test process.

    pytest-django's ``live_server`` speaks WSGI only, so it cannot carry the live-tracking socket.
    In-process, the server uses the test settings and the test database as they are (a test
    must commit its data: ``django_db(transaction=True)``) and starts in a few milliseconds.
    uvicorn's own loop runs in its thread, apart from the one Playwright keeps running in the
    main thread. Static files come through Django's ASGI handler, as ``runserver`` serves them.
    ``restart()`` keeps the port, for tests of a client that reconnects.
    """

    def __init__(self):
        self.port = 0
        self.server = None
        self.thread = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        import socket
        import threading
        import time

        import uvicorn
        from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

        from householdsvc.asgi import application

        listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # The same port again after a restart, past the old connections in TIME_WAIT.
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(("127.0.0.1", self.port))
        self.port = listening.getsockname()[1]
        config = uvicorn.Config(
            ASGIStaticFilesHandler(application),
            lifespan="off",  # Channels' router has no lifespan protocol
            loop="asyncio",
            log_level="warning",
            timeout_graceful_shutdown=2,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [listening]}, name="asgi-server", daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("The ASGI test server did not start.")
            time.sleep(0.01)

    def stop(self) -> None:
        if self.server is None:
            return
        # uvicorn stops on its next tick (every 0.1 s), closing open sockets with 1012.
        self.server.should_exit = True
        self.thread.join(timeout=10)
        if self.thread.is_alive():
            raise RuntimeError("The ASGI test server did not stop.")
        self.server = self.thread = None

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture(scope="session")
def asgi_live_server(django_db_setup):
    """The ASGI server, started once for the session and stopped before the test database goes
    (hence ``django_db_setup``): ``.url``, ``.restart()``."""
    server = AsgiServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def asgi_logged_in_context(new_context, asgi_live_server):
    """``asgi_logged_in_context(user, **options)``: like ``logged_in_context``, on the ASGI
    server (the session cookie is what the WebSocket authenticates with)."""

    def make(user, **options):
        client = Client()
        client.force_login(user)
        context = new_context(**options)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": asgi_live_server.url,
                }
            ]
        )
        return context

    return make
