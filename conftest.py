"""Shared fixtures: alice/bob-style users for each role, and API clients acting as them."""

import asyncio

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import VerificationStatus
from tests.accounts.factories import AdminFactory, CustomerFactory, ProfessionalFactory
from tests.catalog.factories import DispatchServiceFactory, ServiceFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttles and cached pages live in Redis; each test starts with none.
    cache.clear()
    yield


@pytest.fixture
def no_kept_statements():
    """No list statement kept by an earlier test (householdsvc.core.page_rows), none left after."""
    from householdsvc.core import page_rows

    page_rows._statements.clear()
    yield
    page_rows._statements.clear()


@pytest.fixture
def service(db):
    return ServiceFactory(name="Deep cleaning")


@pytest.fixture
def dispatch_service(db):
    return DispatchServiceFactory(name="Flat tyre")


@pytest.fixture
def customer(db):
    return CustomerFactory(email="alice@example.com", full_name="Alice Customer")


@pytest.fixture
def other_customer(db):
    return CustomerFactory(email="bob@example.com", full_name="Bob Customer")


@pytest.fixture
def professional(db, service):
    return ProfessionalFactory(
        email="carol@example.com", full_name="Carol Pro", professional_profile__service=service
    )


@pytest.fixture
def other_professional(db, service):
    return ProfessionalFactory(
        email="dave@example.com", full_name="Dave Pro", professional_profile__service=service
    )


@pytest.fixture
def pending_professional(db, service):
    return ProfessionalFactory(
        email="erin@example.com",
        full_name="Erin Pending",
        professional_profile__service=service,
        professional_profile__verification_status=VerificationStatus.PENDING,
    )


@pytest.fixture
def admin_user(db):
    return AdminFactory(email="admin@example.com", full_name="Ada Admin")


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def client_for():
    """``client_for(user)``: an APIClient sending that user's JWT access token, as an app does."""

    def make(user):
        client = APIClient()
        if user is not None:
            # An access token alone: a refresh token would be recorded (the blacklist app).
            token = AccessToken.for_user(user)
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make


@pytest.fixture
def hear_in_group():
    """``hear_in_group(group, write)``: run ``write`` while a channel listens to the group, and
    return the first message it hears. One event loop holds the channel, the write (back in this
    thread, so it sees the test's data) and its broadcast: channels-redis' PubSub layer keeps
    its channels in the loop that made them."""

    def hear(group, write):
        layer = get_channel_layer()

        async def listen():
            channel = await layer.new_channel()
            await layer.group_add(group, channel)
            await sync_to_async(write)()
            return await asyncio.wait_for(layer.receive(channel), timeout=10)

        return async_to_sync(listen)()

    return hear
