"""``page_rows``: a list page's rows from SQL compiled once per shape of list and run with each
visit's own values: the same rows as the ORM's query for every user, filter and page, a change
seen at once (SQL is kept, never rows), and what it cannot keep compiled by the ORM as before."""

import pytest
from django.db.models import Q

from householdsvc.core import page_rows as kept
from householdsvc.core.page_rows import page_rows, page_values, shape
from requests_app import selectors, services
from requests_app.models import ServiceRequest
from requests_app.views.common import filtered

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_kept_statements")]

FIELDS = ("id", "status", "description", "service__name", "professional__full_name")


@pytest.fixture
def two_customers_requests(make_request, customer, other_customer, professional):
    """Alice's 5 requests (the 2nd and 4th taken by Carol), Bob's 3."""
    alice = [make_request(description=f"Alice {n}") for n in range(5)]
    for taken in (alice[1], alice[3]):
        services.service_request_accept(request_id=taken.pk, professional=professional)
    bob = [make_request(customer=other_customer, description=f"Bob {n}") for n in range(3)]
    return alice, bob


def _orm(queryset, low, high):
    return [tuple(row) for row in page_values(queryset, FIELDS, low, high)]


def test_each_customer_gets_their_own_rows_from_one_kept_statement(
    two_customers_requests, customer, other_customer
):
    for user in (customer, other_customer, customer):
        queryset = selectors.service_request_list(user=user)
        assert page_rows(queryset, FIELDS, 0, 3) == _orm(queryset, 0, 3)

    alice = page_rows(selectors.service_request_list(user=customer), FIELDS, 0, 10)
    bob = page_rows(selectors.service_request_list(user=other_customer), FIELDS, 0, 10)
    assert [row[2] for row in alice] == ["Alice 4", "Alice 3", "Alice 2", "Alice 1", "Alice 0"]
    assert [(row[1], row[4]) for row in alice[1:4]] == [
        ("assigned", "Carol Pro"),
        ("requested", None),
        ("assigned", "Carol Pro"),
    ]
    assert [row[2] for row in bob] == ["Bob 2", "Bob 1", "Bob 0"]
    # One statement for both customers' first pages of three, one for their pages of ten.
    assert sum(statement is not None for statement in kept._statements.values()) == 2


def test_filters_and_pages_give_the_orms_rows(rf, two_customers_requests, customer, professional):
    cases = [
        (customer, {}, 0, 2),
        (customer, {}, 2, 4),
        (customer, {}, 4, 6),
        (customer, {"status": "assigned"}, 0, 21),
        (customer, {"status": "requested"}, 0, 2),
        (customer, {"status": "closed"}, 0, 21),
        (customer, {"ordering": "created_at"}, 0, 21),
        (customer, {"pin_code": "560001"}, 0, 21),
        (professional, {}, 0, 21),
    ]
    for _ in range(2):  # compiled by the ORM, then from the kept statement
        for user, parameters, low, high in cases:
            request = rf.get("/requests/", parameters)
            base = selectors.professional_job_list(user=user) if user.is_professional else None
            queryset, _select, _status = filtered(request, base or selectors.service_request_list(user=user))
            assert page_rows(queryset, FIELDS, low, high) == _orm(queryset, low, high), (user, parameters)

    jobs = page_rows(selectors.professional_job_list(user=professional), FIELDS, 0, 21)
    assert [row[2] for row in jobs] == ["Alice 3", "Alice 1"]
    closed = filtered(
        rf.get("/requests/", {"status": "closed"}), selectors.service_request_list(user=customer)
    )
    assert page_rows(closed[0], FIELDS, 0, 21) == []


def test_a_change_is_seen_at_once(two_customers_requests, make_request, customer, professional):
    queryset = selectors.service_request_list(user=customer)
    before = page_rows(queryset, FIELDS, 0, 2)
    assert [row[2] for row in before] == ["Alice 4", "Alice 3"]

    fresh = make_request(description="Alice 5")
    services.service_request_accept(request_id=fresh.pk, professional=professional)

    after = page_rows(selectors.service_request_list(user=customer), FIELDS, 0, 2)
    assert [(row[2], row[1], row[4]) for row in after] == [
        ("Alice 5", "assigned", "Carol Pro"),
        ("Alice 4", "requested", None),
    ]


def test_the_kept_statement_is_the_one_used(two_customers_requests, customer, other_customer):
    page_rows(selectors.service_request_list(user=customer), FIELDS, 0, 3)
    (statement,) = kept._statements.values()
    # Whatever the kept SQL says is what the next page of that shape reads.
    kept._statements[next(iter(kept._statements))] = (statement[0].replace("DESC", "ASC"), statement[1])

    rows = page_rows(selectors.service_request_list(user=other_customer), FIELDS, 0, 3)

    assert [row[2] for row in rows] == ["Bob 0", "Bob 1", "Bob 2"]


def test_what_is_not_a_plain_shape_is_compiled_each_time(two_customers_requests, customer, professional):
    offered = selectors.service_request_list(user=professional)  # an OR with the offers' subquery
    through_a_join = ServiceRequest.objects.filter(service__name="Cleaning", customer=customer)
    by_list = ServiceRequest.objects.filter(customer_id__in=[customer.pk])
    by_null = ServiceRequest.objects.filter(customer=customer, professional__isnull=True)
    by_none = ServiceRequest.objects.none()
    by_q = ServiceRequest.objects.filter(Q(customer=customer) | Q(professional=professional))

    for queryset in (offered, through_a_join):
        assert shape(queryset, FIELDS, 0, 21) is None
    assert shape(by_none, FIELDS, 0, 21) is None
    for queryset in (offered, through_a_join, by_list, by_null, by_q):
        assert page_rows(queryset, FIELDS, 0, 21) == _orm(queryset, 0, 21)
    assert page_rows(by_none, FIELDS, 0, 21) == []
    assert [row[2] for row in page_rows(by_null, FIELDS, 0, 21)] == ["Alice 4", "Alice 2", "Alice 0"]


def test_a_value_the_sql_leaves_out_is_not_kept(two_customers_requests, customer):
    # An id out of an integer column's range: Django may compile it to no query at all.
    huge = ServiceRequest.objects.filter(customer_id=customer.pk, service_id=2**40)
    assert page_rows(huge, FIELDS, 0, 21) == []
    # Two equal values could be told apart only by their order: not kept.
    twice = ServiceRequest.objects.filter(customer_id=customer.pk, professional_id=customer.pk)
    assert page_rows(twice, FIELDS, 0, 21) == []
    assert list(kept._statements.values()) == [None, None]
    assert page_rows(twice, FIELDS, 0, 21) == [] and page_rows(huge, FIELDS, 0, 21) == []


def test_a_kept_page_asks_one_query(
    two_customers_requests, customer, other_customer, django_assert_num_queries
):
    page_rows(selectors.service_request_list(user=customer), FIELDS, 0, 21)
    with django_assert_num_queries(1):
        rows = page_rows(selectors.service_request_list(user=other_customer), FIELDS, 0, 21)
    assert len(rows) == 3
