"""The changelists' count never scans a big table: the planner's estimate when unfiltered, a
capped count when filtered."""

import pytest
from django.db import connection

from householdsvc.core import admin as core_admin
from householdsvc.core.admin import EstimatedCountPaginator
from requests_app.models import ServiceRequest, Status
from tests.requests_app.factories import ServiceRequestFactory


@pytest.fixture
def thirty_requests(customer, service):
    ServiceRequestFactory.create_batch(30, customer=customer, service=service)
    # The estimate is what ANALYZE (autovacuum, in production) last saw.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE requests_app_servicerequest")


@pytest.mark.django_db
def test_unfiltered_count_is_the_planners_estimate(
    thirty_requests, monkeypatch, django_assert_num_queries, django_assert_max_num_queries
):
    monkeypatch.setattr(core_admin, "COUNT_CAP", 10)

    with django_assert_num_queries(1) as captured:
        count = EstimatedCountPaginator(ServiceRequest.objects.all(), 20).count

    assert count == 30
    assert "pg_class" in captured.captured_queries[0]["sql"]
    assert "COUNT(" not in captured.captured_queries[0]["sql"].upper()


@pytest.mark.django_db
def test_filtered_count_stops_at_the_cap(thirty_requests, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(core_admin, "COUNT_CAP", 10)
    filtered = ServiceRequest.objects.filter(status=Status.REQUESTED)

    with django_assert_num_queries(1) as captured:
        count = EstimatedCountPaginator(filtered, 20).count

    assert count == 11  # "more than 10"
    assert "LIMIT 11" in captured.captured_queries[0]["sql"]


@pytest.mark.django_db
def test_small_results_are_counted_exactly(thirty_requests):

    assert EstimatedCountPaginator(ServiceRequest.objects.filter(status=Status.REQUESTED), 20).count == 30
    assert EstimatedCountPaginator(ServiceRequest.objects.filter(status=Status.CLOSED), 20).count == 0


@pytest.mark.django_db
def test_a_small_table_is_counted_not_estimated(customer, service):
    # Never analysed, or fewer rows than the cap: the estimate is not trusted.
    ServiceRequestFactory.create_batch(3, customer=customer, service=service)

    assert EstimatedCountPaginator(ServiceRequest.objects.all(), 20).count == 3


@pytest.mark.django_db
def test_pages_past_the_first_are_served(thirty_requests):
    paginator = EstimatedCountPaginator(ServiceRequest.objects.order_by("-id"), 20)

    assert paginator.num_pages == 2
    assert len(paginator.page(2).object_list) == 10
