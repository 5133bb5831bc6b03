"""``fetch_rows``: a ``values_list`` queryset's rows through a prepared statement, the same rows
Django's own iteration gives (values converted, joins followed, order kept), in one counted
query; an empty ``IN`` or ``.none()`` asks nothing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from householdsvc.core.prepared import fetch_rows
from requests_app.models import ServiceRequest

pytestmark = pytest.mark.django_db


def test_the_rows_are_the_querysets_own(make_request, professional):
    first = make_request(description="Leaky tap", pin_code="560001")
    second = make_request(description="Blocked drain", pin_code="560034")
    # Assigned (a professional joins in), as a row the status machine left behind.
    ServiceRequest.objects.filter(pk=second.pk).update(status="assigned", professional=professional)
    queryset = ServiceRequest.objects.filter(pk__in=[first.pk, second.pk]).order_by("-id")
    shape = ("id", "description", "pin_code", "created_at", "service__name", "professional__full_name")

    with CaptureQueriesContext(connection) as queries:
        rows = fetch_rows(queryset.values_list(*shape))

    assert rows == [tuple(row) for row in queryset.values_list(*shape)]
    assert [row[:3] for row in rows] == [
        (second.pk, "Blocked drain", "560034"),
        (first.pk, "Leaky tap", "560001"),
    ]
    assert rows[0][5] == professional.full_name and rows[1][5] is None
    assert isinstance(rows[0][3], datetime.datetime) and rows[0][3].tzinfo is not None
    assert len(queries) == 1


def test_nothing_to_ask_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert fetch_rows(ServiceRequest.objects.none().values_list("id")) == []
        assert fetch_rows(ServiceRequest.objects.filter(pk__in=[]).values_list("id")) == []
