"""The request list's page read from SQL compiled once per shape of query (``slice_rows``):
each user's own rows, the ORM's rows for every filter, ordering and page, and the statement
never prepared (PostgreSQL plans each customer's page with that customer's id)."""

import pytest
from django.db import connection

from householdsvc.core import page_rows as kept
from householdsvc.core.page_rows import SlicedRows, page_rows, slice_rows
from requests_app import selectors
from requests_app.api.serializers import ServiceRequestListSerializer
from requests_app.models import Status
from tests.requests_app.factories import ServiceRequestFactory, request_in_state

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_kept_statements")]

COLUMNS = ServiceRequestListSerializer.COLUMNS


@pytest.fixture
def two_customers_requests(customer, other_customer, service, professional):
    """Alice's 5 requests (the newest assigned to Carol), Bob's 2."""
    alice = [
        ServiceRequestFactory(customer=customer, service=service, description=f"Alice {n}") for n in range(4)
    ]
    alice.append(
        request_in_state(
            Status.ASSIGNED,
            customer=customer,
            service=service,
            professional=professional,
            description="Alice 4",
        )
    )
    bob = [
        ServiceRequestFactory(customer=other_customer, service=service, description=f"Bob {n}")
        for n in range(2)
    ]
    return alice, bob


def _descriptions(response):
    return [row["description"] for row in response.json()["results"]]


def test_each_customer_lists_their_own_requests_from_one_kept_statement(
    client_for, two_customers_requests, customer, other_customer
):
    alice, bob = client_for(customer), client_for(other_customer)

    for _ in range(2):
        assert _descriptions(alice.get("/api/v1/requests/?page_size=3")) == ["Alice 4", "Alice 3", "Alice 2"]
        assert _descriptions(bob.get("/api/v1/requests/?page_size=3")) == ["Bob 1", "Bob 0"]

    assert len(kept._statements) == 1
    # Whatever the kept SQL says is what the next page of that shape reads.
    key, (sql, converters) = next(iter(kept._statements.items()))
    kept._statements[key] = (sql.replace("DESC", "ASC"), converters)
    assert _descriptions(bob.get("/api/v1/requests/?page_size=3")) == ["Bob 0", "Bob 1"]


def test_the_lists_statement_is_never_prepared(client_for, two_customers_requests, customer, other_customer):
    for user in (customer, other_customer) * 4:
        assert client_for(user).get("/api/v1/requests/?page_size=3").status_code == 200

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert not [statement for statement in prepared if "requests_app_servicerequest" in statement]


@pytest.mark.parametrize(
    ("parameters", "low", "high"),
    [
        ({}, 0, 3),
        ({}, 3, 6),
        ({"status": "assigned"}, 0, 21),
        ({"status": "closed"}, 0, 21),
        ({"ordering": "created_at"}, 1, 4),
        ({"ordering": "-status"}, 0, 21),
        ({"pin_code": "560001"}, 0, 21),
        ({"created_after": "2000-01-01T00:00:00Z"}, 0, 2),
    ],
)
def test_a_slice_is_the_orms_slice(rf, two_customers_requests, admin_user, customer, parameters, low, high):
    from requests_app.filters import ServiceRequestFilter

    for user in (admin_user, customer, admin_user, customer):  # compiled by the ORM, then kept
        queryset = ServiceRequestFilter(parameters, queryset=selectors.service_request_list(user=user)).qs
        expected = list(queryset.values_list(*COLUMNS)[low:high])
        assert slice_rows(queryset, COLUMNS, low, high) == expected
        assert SlicedRows(queryset, COLUMNS)[low:high] == expected


def test_a_professionals_offers_are_compiled_each_time(client_for, two_customers_requests, professional):
    # The offers are an OR with a subquery: not a plain shape, so nothing is kept.
    queryset = selectors.service_request_list(user=professional)

    assert slice_rows(queryset, COLUMNS, 0, 21) == list(queryset.values_list(*COLUMNS)[:21])
    assert kept._statements == {}


def test_a_list_page_and_an_api_slice_of_one_shape_keep_a_statement_each(two_customers_requests, customer):
    queryset = selectors.service_request_list(user=customer)
    fields = ("id", "description")

    for _ in range(2):
        assert [row[1] for row in page_rows(queryset, fields, 0, 2)] == ["Alice 4", "Alice 3"]
        assert [row[1] for row in slice_rows(queryset, fields, 0, 2)] == ["Alice 4", "Alice 3"]
    assert len(kept._statements) == 2


def test_sliced_rows_take_a_window_only(customer):
    rows = SlicedRows(selectors.service_request_list(user=customer), COLUMNS)

    for window in (0, slice(0, None), slice(0, 10, 2)):
        with pytest.raises(TypeError):
            rows[window]


def test_a_row_alone_is_written_as_in_its_page(rf, two_customers_requests, admin_user, professional):
    request = rf.get("/api/v1/requests/")
    request.user = admin_user
    rows = SlicedRows(selectors.service_request_list(user=admin_user), COLUMNS)[0:7]
    context = {"request": request}

    page = ServiceRequestListSerializer(rows, many=True, context=context).data

    assert [ServiceRequestListSerializer(row, context=context).data for row in rows] == page
    assert [row["description"] for row in page][:3] == ["Bob 1", "Bob 0", "Alice 4"]
    # An admin sees the phones.
    assert page[2]["professional"] == {
        "id": professional.pk,
        "full_name": "Carol Pro",
        "phone": professional.phone,
    }
    assert page[2]["assigned_at"].endswith("Z") and page[0]["assigned_at"] is None
