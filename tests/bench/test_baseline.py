"""The bench compares the requests API with a bare view: fair only if both show the same page."""

import pytest
from django.urls import clear_url_caches

from bench import figure
from tests.accounts.factories import AdminFactory
from tests.bench.test_load_bulk_data import load


@pytest.fixture
def bench_urls(settings):
    settings.ROOT_URLCONF = "bench.urls"
    clear_url_caches()
    yield
    clear_url_caches()


@pytest.fixture
def loaded(db):
    load()


def ids(response):
    assert response.status_code == 200, response.content[:300]
    return [row["id"] for row in response.json()["results"]]


def test_baseline_shows_the_admins_page(loaded, bench_urls, client, client_for):
    api_page = ids(client_for(AdminFactory()).get("/api/v1/requests/?page_size=50"))
    assert len(api_page) == 50
    assert ids(client.get("/bench/baseline/requests/")) == api_page


def test_baseline_shows_the_customers_page(loaded, bench_urls, client, client_for):
    from django.db.models import Count

    from requests_app.models import ServiceRequest

    busiest = (
        ServiceRequest.objects.filter(customer__is_active=True)
        .values("customer")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    customer = ServiceRequest.objects.filter(customer_id=busiest["customer"]).first().customer
    api_page = ids(client_for(customer).get("/api/v1/requests/?page_size=50"))
    assert len(api_page) == 50
    assert ids(client.get(f"/bench/baseline/requests/?customer={customer.pk}")) == api_page


def test_baseline_is_not_in_the_project_urls(loaded, client):
    assert client.get("/bench/baseline/requests/").status_code == 404


def test_figures_print_value_baseline_and_ratio():
    line = figure("api requests admin throughput", 812.3, "req/s", 1204.5)
    assert line == "api requests admin throughput: 812.3 req/s (baseline 1204.5 req/s, ratio 0.67)"


def test_each_side_keeps_its_best_round_under_load_and_under_light_load():
    from bench.api import LoadResult, best_of

    def result(throughput, p95_ms):
        return LoadResult(throughput=throughput, p50_ms=p95_ms / 2, p95_ms=p95_ms, p99_ms=p95_ms, requests=1)

    first = (result(80.0, 400.0), result(30.0, 60.0))
    second = (result(95.0, 350.0), result(28.0, 75.0))

    saturated, light = best_of([first, second])

    assert saturated is second[0]
    assert light is first[1]


def test_rounds_alternate_which_side_goes_first(monkeypatch):
    from bench import api

    order = []
    monkeypatch.setattr(api, "ROUNDS", 3)
    monkeypatch.setattr(api, "measure", lambda url, token, script: order.append(url) or (None, None))
    monkeypatch.setattr(api, "best_of", lambda rounds: len(rounds))

    assert api.measure_both(("ours", "token"), ("baseline", None), "report.lua") == (3, 3)
    assert order == ["ours", "baseline", "baseline", "ours", "ours", "baseline"]
