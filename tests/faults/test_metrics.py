"""/metrics: Prometheus' text format for admins and the scraper's token, nobody else."""

import pytest

from exports.models import ExportJob

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
