"""/metrics: Prometheus' text format for admins and the scraper's token, nobody else."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.cache import cache
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from exports.models import ExportJob
from householdsvc.asgi import application
from requests_app.models import Status
from tests.requests_app.factories import ServiceRequestFactory, request_in_state
from tests.tracking.test_websocket import own_loop

pytestmark = pytest.mark.django_db


def test_it_is_not_public(client, client_for, customer, settings):
    settings.METRICS_TOKEN = "scrape-me-0123456789"

    assert client.get("/metrics").status_code == 403
    assert client_for(customer).get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403


def test_the_scraper_s_token_reads_the_figures(client, admin_user, settings):
    settings.METRICS_TOKEN = "scrape-me-0123456789"
    ExportJob.objects.create(requested_by=admin_user, kind="service_requests", filters={})
    client.get("/services/")  # a request, timed by view

    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-me-0123456789")

    assert response.status_code == 200
    text = response.content.decode()
    assert 'householdsvc_export_jobs{status="pending"} 1.0' in text
    assert 'householdsvc_export_jobs{status="running"} 0.0' in text
    assert "householdsvc_live_sockets " in text
    assert (
        'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="catalog:list"}' in text
    )


def test_an_admin_s_session_reads_them_too(client, admin_user):
    client.force_login(admin_user)

    assert client.get("/metrics").status_code == 200


def test_without_a_token_setting_no_bearer_is_accepted(client, settings):
    settings.METRICS_TOKEN = ""

    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403


# --- Database and cache figures, and the domain's gauges after a known setup --------------------

TOKEN = "scrape-me-0123456789"


def scrape(client) -> dict[str, float]:
    """``/metrics`` read as the scraper does, as {'name{labels}': value}."""
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    samples = {}
    for line in response.content.decode().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def test_a_query_and_cache_reads_show_in_the_figures(client, settings):
    settings.METRICS_TOKEN = TOKEN
    cache.set("metrics-probe", "here", 30)
    db = 'alias="default",vendor="postgresql"'
    redis = 'backend="redis"'
    before = scrape(client)

    assert cache.get("metrics-probe") == "here"  # a hit
    assert cache.get("metrics-probe-missing") is None  # a miss
    User.objects.count()  # a query
    after = scrape(client)

    assert (
        after[f"django_cache_get_hits_total{{{redis}}}"] - before[f"django_cache_get_hits_total{{{redis}}}"]
        == 1
    )
    assert (
        after[f"django_cache_get_misses_total{{{redis}}}"]
        - before[f"django_cache_get_misses_total{{{redis}}}"]
        == 1
    )
    get_count = f'django_cache_operation_duration_seconds_count{{{redis},operation="get"}}'
    assert after[get_count] - before[get_count] == 2
    # At least the count; the scrape itself counts the domain gauges' queries too.
    assert after[f"django_db_execute_total{{{db}}}"] >= before[f"django_db_execute_total{{{db}}}"] + 1
    duration = f"django_db_query_duration_seconds_count{{{db}}}"
    assert after[duration] >= before[duration] + 1


def test_the_gauges_read_what_was_set_up(
    client, settings, customer, service, professional, other_professional
):
    settings.METRICS_TOKEN = TOKEN
    ServiceRequestFactory(service=service, customer=customer)  # offered to both professionals
    ExportJob.objects.create(requested_by=customer, kind="service_requests", filters={}, status="running")

    samples = scrape(client)

    assert samples["householdsvc_open_offers"] == 2
    assert samples['householdsvc_export_jobs{status="pending"}'] == 0
    assert samples['householdsvc_export_jobs{status="running"}'] == 1


@pytest.mark.django_db(transaction=True)
def test_the_live_socket_gauge_counts_an_open_websocket(settings, customer, service, professional):
    settings.METRICS_TOKEN = TOKEN
    service_request = request_in_state(
        Status.EN_ROUTE, customer=customer, service=service, professional=professional
    )
    path = f"/ws/requests/{service_request.pk}/?token={AccessToken.for_user(customer)}"
    client = Client()

    @own_loop
    async def watch():
        before = (await database_sync_to_async(scrape)(client))["householdsvc_live_sockets"]
        communicator = WebsocketCommunicator(application, path)
        connected, _ = await communicator.connect(timeout=5)
        assert connected
        assert (await communicator.receive_json_from(timeout=5))["type"] == "status"
        during = (await database_sync_to_async(scrape)(client))["householdsvc_live_sockets"]
        await communicator.disconnect()
        after = (await database_sync_to_async(scrape)(client))["householdsvc_live_sockets"]
        assert (during - before, after - before) == (1, 0)

    watch()
