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
