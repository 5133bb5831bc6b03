"""bench.catalog compares a cached endpoint with a bare view of the same bytes from Redis."""

import pytest
from django.core.cache import cache
from django.urls import clear_url_caches

from bench.baseline import CACHED_BASELINE_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_urls(settings):
    settings.ROOT_URLCONF = "bench.urls"
    clear_url_caches()
    yield
    clear_url_caches()


def test_the_cached_baseline_returns_the_stored_bytes(bench_urls, client, service):
    anonymous = client.get("/api/v1/services/?search=clean")
    cache.set(
        CACHED_BASELINE_KEY.format(name="services-search"), (anonymous.content, anonymous["Content-Type"])
    )

    baseline = client.get("/bench/baseline/cached/services-search/")

    assert baseline.status_code == 200
    assert baseline.content == anonymous.content
    assert baseline["Content-Type"] == "application/json"


def test_the_cached_baseline_of_nothing_stored_is_404(bench_urls, client):
    assert client.get("/bench/baseline/cached/nothing/").status_code == 404
