"""The request list: scoped per role, filtered, ordered, and a fixed number of queries
whatever the page size."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from requests_app.models import ServiceRequest, Status
from tests.accounts.factories import CustomerFactory, ProfessionalFactory
from tests.catalog.factories import ServiceFactory
from tests.requests_app.factories import ServiceRequestFactory, offer_to, request_in_state

pytestmark = pytest.mark.django_db

# The signed-in user + the page (no COUNT); a professional's profile adds one.
LIST_QUERIES = {"admin_user": 2, "customer": 2, "professional": 3}


@pytest.fixture
def many_requests(customer, service, professional):
    """100 of Alice's requests offered to Carol and 20 assigned to her, plus others' noise."""
    customers = CustomerFactory.create_batch(3)
    offered = ServiceRequestFactory.create_batch(100, customer=customer, service=service)
    assigned = [
        request_in_state(
            Status.ASSIGNED, customer=customers[index % 3], service=service, professional=professional
        )
        for index in range(20)
    ]
    ServiceRequestFactory.create_batch(10, customer=customers[0], service=ServiceFactory(), pin_code="999999")
    return offered, assigned


@pytest.mark.parametrize("role", ["admin_user", "customer", "professional"])
def test_list_runs_the_same_queries_for_1_or_100_rows(
    request, client_for, many_requests, django_assert_max_num_queries, role
):
    client = client_for(request.getfixturevalue(role))
    for page_size in (1, 100):
        with django_assert_max_num_queries(LIST_QUERIES[role]):
            response = client.get(f"/api/v1/requests/?page_size={page_size}")
        assert response.status_code == 200
        assert len(response.json()["results"]) == page_size


def test_events_list_runs_a_fixed_number_of_queries(
    client_for, customer, professional, open_request, django_assert_max_num_queries
):
    from requests_app import services

    for index in range(30):
        services.service_request_edit(
            request_id=open_request.pk, actor=customer, description=f"Version {index}"
        )
    client = client_for(customer)
    for page_size in (1, 30):
        # the signed-in user + the visibility check + the page
        with django_assert_max_num_queries(3):
            response = client.get(f"/api/v1/requests/{open_request.pk}/events/?page_size={page_size}")
        assert len(response.json()["results"]) == page_size


def test_each_role_lists_only_what_it_may_see(
    client_for, many_requests, customer, professional, other_customer
):
    offered, assigned = many_requests

    def listed(user):
        client, rows, url = client_for(user), [], "/api/v1/requests/?page_size=100"
        while url:
            body = client.get(url).json()
            rows += body["results"]
            url = body["next"]
        return {row["id"] for row in rows}

    assert listed(customer) == {r.pk for r in offered}
    assert listed(other_customer) == set()
    assert listed(professional) == {r.pk for r in offered} | {r.pk for r in assigned}


def test_pages_link_forward_without_counting(client_for, admin_user, service):
    ServiceRequestFactory.create_batch(3, service=service)
    body = client_for(admin_user).get("/api/v1/requests/?page_size=2").json()
    assert set(body) == {"next", "previous", "results"}
    assert "page=2" in body["next"]
    assert client_for(admin_user).get(body["next"]).json()["next"] is None


def test_filters_by_status_service_pin_code_and_professional(client_for, admin_user, service, professional):
    open_one = ServiceRequestFactory(service=service, pin_code="560002")
    assigned = request_in_state(Status.ASSIGNED, service=service, professional=professional)
    elsewhere = ServiceRequestFactory(service=ServiceFactory())
    client = client_for(admin_user)

    def ids(query):
        response = client.get(f"/api/v1/requests/?{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids("status=assigned") == [assigned.pk]
    assert set(ids(f"service={service.pk}")) == {open_one.pk, assigned.pk}
    assert ids("pin_code=560002") == [open_one.pk]
    assert ids(f"professional={professional.pk}") == [assigned.pk]
    assert elsewhere.pk in ids("")


def test_bad_filter_is_a_400(client_for, admin_user):
    response = client_for(admin_user).get("/api/v1/requests/?status=sleeping")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize(
    "query",
    ["service=1.5", "professional=2.5", f"service={2**63}", "professional=1e50", "created_after=10000-01-01"],
)
def test_a_filter_value_the_database_cannot_take_is_a_400_not_a_500(client_for, admin_user, query):
    response = client_for(admin_user).get(f"/api/v1/requests/?{query}")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_a_date_with_an_offset_postgresql_refuses_is_compared_in_utc(client_for, admin_user, service):
    # +20:00 is valid ISO 8601 but past PostgreSQL's ±15:59: it used to fail with a 500.
    request = ServiceRequestFactory(service=service)
    client = client_for(admin_user)

    def at_plus_20(moment):
        return (moment + timedelta(hours=20)).strftime("%Y-%m-%dT%H:%M:%S") + "%2B20:00"

    an_hour_ago = client.get(
        f"/api/v1/requests/?created_after={at_plus_20(timezone.now() - timedelta(hours=1))}"
    )
    in_an_hour = client.get(
        f"/api/v1/requests/?created_after={at_plus_20(timezone.now() + timedelta(hours=1))}"
    )

    assert an_hour_ago.status_code == in_an_hour.status_code == 200
    assert [row["id"] for row in an_hour_ago.json()["results"]] == [request.pk]
    assert in_an_hour.json()["results"] == []


def test_filters_by_creation_date_range(client_for, admin_user, service):
    old = ServiceRequestFactory(service=service)
    ServiceRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    new = ServiceRequestFactory(service=service)
    client = client_for(admin_user)
    cutoff = (timezone.now() - timedelta(days=5)).date().isoformat()

    after = client.get(f"/api/v1/requests/?created_after={cutoff}").json()["results"]
    before = client.get(f"/api/v1/requests/?created_before={cutoff}").json()["results"]

    assert [row["id"] for row in after] == [new.pk]
    assert [row["id"] for row in before] == [old.pk]


def test_orders_by_preferred_time_and_status(client_for, admin_user, service, professional):
    soon = ServiceRequestFactory(service=service, scheduled_for=timezone.now() + timedelta(days=1))
    later = ServiceRequestFactory(service=service, scheduled_for=timezone.now() + timedelta(days=3))
    assigned = request_in_state(
        Status.ASSIGNED,
        service=service,
        professional=professional,
        scheduled_for=timezone.now() + timedelta(days=2),
    )
    client = client_for(admin_user)

    def ids(ordering):
        return [row["id"] for row in client.get(f"/api/v1/requests/?ordering={ordering}").json()["results"]]

    assert ids("scheduled_for") == [soon.pk, assigned.pk, later.pk]
    assert ids("-scheduled_for") == [later.pk, assigned.pk, soon.pk]
    assert ids("status")[0] == assigned.pk
    assert ids("created_at") == [soon.pk, later.pk, assigned.pk]
    assert ids("") == [assigned.pk, later.pk, soon.pk]


def test_professional_sees_only_the_area_and_no_contact_before_the_job_is_theirs(
    client_for, customer, professional, service
):
    service_request = ServiceRequestFactory(
        customer=customer, service=service, address="12 Secret Lane", latitude=Decimal("12.971234")
    )
    client = client_for(professional)

    offered = client.get(f"/api/v1/requests/{service_request.pk}/").json()
    listed = client.get("/api/v1/requests/").json()["results"][0]

    for row in (offered, listed):
        assert row["details_hidden"] is True
        assert row["address"] == ""
        assert row["pin_code"] == "560001"
        assert row["latitude"] == "12.97"
        assert row["customer"] == {"id": customer.pk, "full_name": "Alice", "phone": None}

    accepted = client.post(f"/api/v1/requests/{service_request.pk}/accept/").json()
    assert accepted["details_hidden"] is False
    assert accepted["address"] == "12 Secret Lane"
    assert accepted["latitude"] == "12.971234"
    # The name, never the phone: the request's messages are the contact.
    assert accepted["customer"] == {"id": customer.pk, "full_name": "Alice Customer", "phone": None}


def test_customer_sees_their_professional_once_assigned(client_for, customer, assigned_request, professional):
    body = client_for(customer).get(f"/api/v1/requests/{assigned_request.pk}/").json()
    assert body["professional"] == {
        "id": professional.pk,
        "full_name": professional.full_name,
        "phone": None,
    }
    assert body["details_hidden"] is False


def test_events_show_the_trail_to_the_customer(client_for, customer, professional, open_request):
    client_for(professional).post(f"/api/v1/requests/{open_request.pk}/accept/")
    events = client_for(customer).get(f"/api/v1/requests/{open_request.pk}/events/").json()["results"]
    assert [(e["action"], e["from_status"], e["to_status"]) for e in events] == [
        ("accept", "requested", "assigned")
    ]
    assert events[0]["actor"] == {
        "id": professional.pk,
        "full_name": professional.full_name,
        "role": "professional",
    }


def test_far_professional_is_offered_nothing(client_for, service, open_request):
    far = ProfessionalFactory(
        professional_profile__service=service,
        professional_profile__pin_code="110001",
        professional_profile__current_latitude=Decimal("28.6139"),
        professional_profile__current_longitude=Decimal("77.2090"),
    )
    assert client_for(far).get("/api/v1/requests/").json()["results"] == []


# --- The list's rows are built from value rows, not the model serializer -----------------------
# They must stay the detail's JSON field for field, for every role, so the schema (which
# documents both with ServiceRequestSerializer) stays exact.


@pytest.fixture
def varied_requests(customer, other_customer, service, dispatch_service, professional):
    """Requests whose fields take every shape: nulls, decimals, dates, choices, blanks."""
    nameless = CustomerFactory(full_name="", phone="")
    return [
        ServiceRequestFactory(customer=customer, service=service, latitude=None, longitude=None),
        ServiceRequestFactory(
            customer=nameless,
            service=service,
            latitude=Decimal("12.975000"),
            longitude=Decimal("-0.004999"),
            scheduled_for=timezone.now() + timedelta(days=2),
            remarks="Ring twice.",
        ),
        request_in_state(
            Status.ASSIGNED, customer=other_customer, service=service, professional=professional
        ),
        request_in_state(
            Status.COMPLETED,
            customer=customer,
            service=service,
            professional=professional,
            final_price="0.50",
        ),
        request_in_state(Status.CANCELLED, customer=customer, service=service, professional=None),
        ServiceRequestFactory(
            customer=customer,
            service=dispatch_service,
            address="",
            pin_code="",
            vehicle_type="car",
            price_estimate=None,
            latitude=Decimal("-33.868800"),
            longitude=Decimal("151.209300"),
        ),
    ]


@pytest.mark.parametrize("role", ["admin_user", "customer", "other_customer", "professional"])
def test_each_listed_row_is_exactly_what_the_detail_shows(request, client_for, varied_requests, role):
    client = client_for(request.getfixturevalue(role))

    listed = client.get("/api/v1/requests/?page_size=100").json()["results"]

    assert listed, "every role here sees at least one of the requests"
    for row in listed:
        detail = client.get(f"/api/v1/requests/{row['id']}/").json()
        assert row == detail
        assert list(row) == list(detail)


def test_listed_rows_hide_details_exactly_as_the_detail_does_before_acceptance(
    client_for, professional, varied_requests
):
    client = client_for(professional)
    # The scheduled one is offered only to whoever is free then (Carol keeps no hours): offer it.
    offer_to(varied_requests[1], professional)

    rows = {row["id"]: row for row in client.get("/api/v1/requests/?page_size=100").json()["results"]}

    offered, nameless, assigned = varied_requests[0], varied_requests[1], varied_requests[2]
    assert rows[offered.pk]["details_hidden"] is True
    assert rows[offered.pk]["customer"]["phone"] is None
    assert rows[nameless.pk]["customer"]["full_name"] == nameless.customer.email  # no name to shorten
    assert (rows[nameless.pk]["latitude"], rows[nameless.pk]["longitude"]) == ("12.98", "-0.00")
    assert rows[nameless.pk]["address"] == ""
    assert rows[assigned.pk]["details_hidden"] is False
    assert rows[assigned.pk]["address"] == assigned.address


def test_listed_dates_follow_the_current_time_zone_as_the_detail_does(
    client_for, admin_user, varied_requests
):
    client = client_for(admin_user)

    with timezone.override("Asia/Kolkata"):
        row = client.get("/api/v1/requests/?page_size=1").json()["results"][0]
        detail = client.get(f"/api/v1/requests/{row['id']}/").json()

    assert row["created_at"].endswith("+05:30")
    assert row == detail


def test_list_and_detail_share_one_schema_component():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)

    def ok_body(path):
        return schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]

    page = schema["components"]["schemas"][ok_body("/api/v1/requests/")["$ref"].split("/")[-1]]
    row = {"$ref": "#/components/schemas/ServiceRequest"}
    assert page["properties"]["results"]["items"] == ok_body("/api/v1/requests/{id}/") == row
