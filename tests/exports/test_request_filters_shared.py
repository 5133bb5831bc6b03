"""An export of requests narrows by status, service and pin code through the requests'
FilterSet, the one the API and the list pages use; its day range and id selection are its own."""

import datetime as dt

import pytest
from django.utils import timezone

from exports.models import ExportKind
from exports.queries import export_count_queryset, export_queryset
from requests_app.filters import ServiceRequestFilter
from requests_app.models import ServiceRequest, Status
from tests.catalog.factories import ServiceFactory
from tests.requests_app.factories import request_in_state

pytestmark = pytest.mark.django_db


def exported_ids(filters):
    return [row[0] for row in export_queryset(ExportKind.SERVICE_REQUESTS, filters)]


def test_status_service_and_pin_code_select_what_the_api_filter_selects(customer, professional, service):
    other_service = ServiceFactory(name="Painting")
    wanted = request_in_state(Status.ASSIGNED, professional=professional, service=service, customer=customer)
    request_in_state(Status.REQUESTED, service=service, customer=customer)
    request_in_state(Status.ASSIGNED, professional=professional, service=other_service, customer=customer)
    request_in_state(
        Status.ASSIGNED, professional=professional, service=service, customer=customer, pin_code="110001"
    )
    filters = {"status": "assigned", "service": service.pk, "pin_code": "560001"}

    through_the_filterset = ServiceRequestFilter(filters, queryset=ServiceRequest.objects.all()).qs

    assert exported_ids(filters) == [wanted.pk]
    assert [row.pk for row in through_the_filterset] == [wanted.pk]


def test_the_day_range_includes_the_whole_last_day(customer, service):
    request = request_in_state(Status.REQUESTED, service=service, customer=customer)
    late_that_day = timezone.make_aware(dt.datetime(2026, 3, 10, 23, 30))
    ServiceRequest.objects.filter(pk=request.pk).update(created_at=late_that_day)

    assert exported_ids({"created_before": "2026-03-10"}) == [request.pk]
    assert exported_ids({"created_after": "2026-03-11"}) == []


def test_a_stored_filter_that_no_longer_validates_fails_instead_of_widening_the_export(customer, service):
    request_in_state(Status.REQUESTED, service=service, customer=customer)

    with pytest.raises(ValueError, match="status"):
        list(export_queryset(ExportKind.SERVICE_REQUESTS, {"status": "on_hold"}))
    with pytest.raises(ValueError, match="status"):
        export_count_queryset(ExportKind.SERVICE_REQUESTS, {"status": "on_hold"}).count()
