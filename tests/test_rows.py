"""A model instance from a row of our own statement (householdsvc.core.rows): each value in its
field whatever the columns' order, converted as the ORM converts it, the fields not read
deferred; the plan for a shape of columns made once and right for every shape."""

from decimal import Decimal

import pytest
from django.db import connection

from householdsvc.core.rows import instance_from_row
from requests_app.models import ServiceRequest
from tests.requests_app.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db

PARTS = [{"label": "Call-out", "amount": "399.00"}, {"label": "Parts", "amount": "120.50"}]


def read(pk, columns: list[str]):
    quoted = ", ".join(f'"{column}"' for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT {quoted} FROM "requests_app_servicerequest" WHERE "id" = %s', [pk])
        return cursor.fetchone()


def test_each_value_lands_in_its_field_in_any_order_and_is_converted_as_the_orm_does():
    made = ServiceRequestFactory(estimate_parts=PARTS, latitude=Decimal("12.971600"))
    for _ in range(2):  # the second time from the plan made the first
        for attnames in (["estimate_parts", "id", "latitude"], ["latitude", "estimate_parts", "id"]):
            request = instance_from_row(
                ServiceRequest, attnames, read(made.pk, attnames), connection=connection
            )
            # The JSON column's text is decoded by the field's converter, as the ORM would.
            assert (request.pk, request.estimate_parts, request.latitude) == (
                made.pk,
                PARTS,
                Decimal("12.971600"),
            )
            assert {"status", "description", "customer_id"} <= request.get_deferred_fields()


def test_the_instance_is_the_orms_for_the_fields_read():
    made = ServiceRequestFactory(estimate_parts=PARTS)
    attnames = ["id", "customer_id", "status", "latitude", "longitude", "estimate_parts", "created_at"]
    ours = instance_from_row(ServiceRequest, attnames, read(made.pk, attnames), connection=connection)
    orms = ServiceRequest.objects.only(*attnames).get(pk=made.pk)
    assert [getattr(ours, name) for name in attnames] == [getattr(orms, name) for name in attnames]
    assert ours._state.adding is False and ours._state.db == "default"
    assert ours.description == made.description  # a deferred field, loaded when asked for


def test_a_row_and_its_columns_that_do_not_match_are_refused():
    with pytest.raises(ValueError):
        instance_from_row(ServiceRequest, ["id", "status"], [1], connection=connection)
    with pytest.raises(ValueError):
        instance_from_row(ServiceRequest, ["id", "no_such_field"], [1, 2], connection=connection)
