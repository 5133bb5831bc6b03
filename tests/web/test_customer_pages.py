"""The customer's pages: list, booking, the request page and what they may do from it."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app.models import Action, RequestEvent, ServiceRequest, Status
from tests.catalog.factories import ServiceFactory
from tests.requests_app.schedule_helpers import at, local_day, works
from tests.web.conftest import HOME_ADDRESS

pytestmark = pytest.mark.django_db

LIST_URL = reverse("requests_app:list")
NEW_URL = reverse("requests_app:new")


def detail_url(service_request):
    return reverse("requests_app:detail", args=[service_request.pk])


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


# --- My requests -----------------------------------------------------------------------


def test_my_requests_lists_only_my_own_with_status_badges(web_client, customer, other_customer, make_request):
    mine = make_request(description="Clean the oven")
    theirs = make_request(customer=other_customer, description="Bob's garage")

    response = web_client(customer).get(LIST_URL)

    assert response.status_code == 200
    assert [row.id for row in response.context["rows"]] == [mine.pk]
    body = response.content.decode()
    assert "Clean the oven" in body and "Bob&#x27;s garage" not in body and theirs.description not in body
    assert 'class="badge status-requested"' in body


def test_my_requests_filters_by_status(web_client, customer, make_request, professional):
    open_one = make_request(description="Still open")
    cancelled = make_request(description="Changed my mind")
    from requests_app import services

    services.service_request_cancel(request_id=cancelled.pk, actor=customer, reason="")

    response = web_client(customer).get(LIST_URL, {"status": "cancelled"})

    assert [row.id for row in response.context["rows"]] == [cancelled.pk]
    assert open_one.description not in response.content.decode()


def test_an_unknown_status_filter_shows_everything(web_client, customer, open_request):
    response = web_client(customer).get(LIST_URL, {"status": "bogus"})

    assert response.status_code == 200
    assert [row.id for row in response.context["rows"]] == [open_request.pk]


def test_my_requests_pages_without_counting(
    web_client, customer, make_request, django_assert_max_num_queries
):
    for n in range(21):
        make_request(description=f"Job {n}")
    client = web_client(customer)

    # session, user (with the bell's unread count), the page's rows (with service and
    # professional joined in).
    with django_assert_max_num_queries(3):
        first = client.get(LIST_URL)
    second = client.get(LIST_URL, {"page": 2})

    assert len(first.context["rows"]) == 20 and first.context["has_next"]
    assert len(second.context["rows"]) == 1 and not second.context["has_next"]
    assert "page=2" in first.content.decode()
    assert "Job 0" in second.content.decode()


def test_the_list_query_count_does_not_grow_with_the_page(
    web_client, customer, make_request, professional, django_assert_max_num_queries
):
    from requests_app import services

    for n in range(5):
        sr = make_request(description=f"Job {n}")
        services.service_request_accept(request_id=sr.pk, professional=professional)
    client = web_client(customer)

    with django_assert_max_num_queries(3):
        response = client.get(LIST_URL)
    assert "Carol Pro" in response.content.decode()
    # Again, the statement now kept (householdsvc.core.page_rows): the same three.
    with django_assert_max_num_queries(3):
        client.get(LIST_URL)


def test_an_admin_sees_every_request(web_client, admin_user, open_request, other_customer, make_request):
    theirs = make_request(customer=other_customer)

    response = web_client(admin_user).get(LIST_URL)

    assert {row.id for row in response.context["rows"]} == {open_request.pk, theirs.pk}
    assert "All requests" in response.content.decode()


def test_a_professional_is_sent_to_their_offers(web_client, professional):
    response = web_client(professional).get(LIST_URL)

    assert response.status_code == 302 and response.url == reverse("requests_app:offers")


# --- New request -------------------------------------------------------------------------


def test_the_new_request_form_is_prefilled_from_my_profile(web_client, customer, service):
    inactive = ServiceFactory(name="Retired service", is_active=False)

    response = web_client(customer).get(NEW_URL, {"service": service.pk})

    form = response.context["form"]
    profile = customer.customer_profile
    assert form.initial["address"] == profile.address
    assert form.initial["pin_code"] == profile.pin_code
    assert form.initial["service"] == service.pk
    body = response.content.decode()
    assert "Use my location" in body and "navigator.geolocation" in body
    assert "csrfmiddlewaretoken" in body
    assert service.name in body and inactive.name not in body


def test_booking_creates_the_request_through_the_service(web_client, customer, service, professional):
    works(professional, ("09:00", "17:00"))  # the time must be a slot someone is free for
    when = timezone.localtime(at(local_day(2), "10:30")).strftime("%Y-%m-%dT%H:%M")

    response = web_client(customer).post(
        NEW_URL,
        {
            "service": service.pk,
            "description": "Deep clean before moving out",
            "address": "1 New Street",
            "pin_code": "560001",
            "scheduled_for": when,
        },
        follow=True,
    )

    service_request = ServiceRequest.objects.get()
    assert response.redirect_chain[-1][0] == detail_url(service_request)
    assert service_request.customer == customer
    assert service_request.status == Status.REQUESTED
    assert service_request.price_estimate == service.base_price
    assert timezone.localtime(service_request.scheduled_for).strftime("%Y-%m-%dT%H:%M") == when
    assert RequestEvent.objects.filter(request=service_request, action=Action.CREATE).exists()
    assert "Your request was sent to professionals nearby." in messages_of(response)


def test_the_new_request_form_does_not_prefill_the_home_position(web_client, customer, service):
    response = web_client(customer).get(NEW_URL, {"service": service.pk})

    form = response.context["form"]
    assert form.initial.get("latitude") is None and form.initial.get("longitude") is None
    assert 'name="latitude" value=' not in response.content.decode()


def test_booking_to_another_address_does_not_take_the_home_position(web_client, customer, service):
    # The form as the page renders it, with the address and pin code changed.
    form = web_client(customer).get(NEW_URL).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        service=service.pk, description="Clean my mother's flat", address="Elsewhere 5", pin_code="110001"
    )

    web_client(customer).post(NEW_URL, data)

    service_request = ServiceRequest.objects.get()
    assert (service_request.address, service_request.pin_code) == ("Elsewhere 5", "110001")
    assert (service_request.latitude, service_request.longitude) == (None, None)


def test_booking_to_the_prefilled_home_address_takes_the_home_position(web_client, customer, service):
    profile = customer.customer_profile
    form = web_client(customer).get(NEW_URL).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(service=service.pk, description="Deep clean")

    web_client(customer).post(NEW_URL, data)

    service_request = ServiceRequest.objects.get()
    assert service_request.address == profile.address
    assert (service_request.latitude, service_request.longitude) == (profile.latitude, profile.longitude)


def test_a_dispatch_service_needs_a_position(web_client, customer, dispatch_service):
    response = web_client(customer).post(
        NEW_URL, {"service": dispatch_service.pk, "description": "Flat tyre on the ring road"}
    )

    assert response.status_code == 200
    assert "latitude" in response.context["form"].errors
    assert not ServiceRequest.objects.exists()


def test_a_dispatch_request_is_sent_to_the_given_position(web_client, customer, dispatch_service):
    web_client(customer).post(
        NEW_URL,
        {
            "service": dispatch_service.pk,
            "description": "Flat tyre on the ring road",
            "latitude": "12.935000",
            "longitude": "77.624500",
            "vehicle_type": "ev",
        },
    )

    service_request = ServiceRequest.objects.get()
    assert (service_request.latitude, service_request.longitude) == (Decimal("12.935"), Decimal("77.6245"))
    assert service_request.vehicle_type == "ev"


def test_the_services_own_refusal_shows_next_to_the_field(web_client, customer, service):
    # The form accepts any date; the service refuses a past one, and the page says so.
    response = web_client(customer).post(
        NEW_URL,
        {
            "service": service.pk,
            "description": "Too late",
            "address": "1 New Street",
            "pin_code": "560001",
            "scheduled_for": "2020-01-01T10:00",
        },
    )

    assert response.status_code == 200
    assert "scheduled_for" in response.context["form"].errors
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize("user_fixture", ["professional", "admin_user"])
def test_only_customers_may_book(request, web_client, user_fixture, service):
    user = request.getfixturevalue(user_fixture)

    response = web_client(user).post(NEW_URL, {"service": service.pk, "description": "x"})

    assert response.status_code == 403
    assert not ServiceRequest.objects.exists()


# --- The request page ----------------------------------------------------------------------


def test_the_owner_sees_status_timeline_and_actions(web_client, customer, open_request):
    response = web_client(customer).get(detail_url(open_request))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Requested" in body and HOME_ADDRESS in body
    assert [e.action for e in response.context["events"]] == [Action.CREATE, "offer"]
    assert response.context["actions"]["edit"] and response.context["actions"]["cancel"]
    assert not response.context["actions"]["close"]
    assert reverse("requests_app:cancel", args=[open_request.pk]) in body


def test_another_customers_request_is_a_404(web_client, other_customer, open_request):
    assert web_client(other_customer).get(detail_url(open_request)).status_code == 404


def test_an_admin_sees_the_request_with_the_customers_contact(web_client, admin_user, customer, open_request):
    response = web_client(admin_user).get(detail_url(open_request))

    body = response.content.decode()
    assert response.status_code == 200
    assert HOME_ADDRESS in body and customer.phone in body
    assert response.context["actions"]["cancel"]


def test_once_assigned_the_customer_sees_the_professional(
    web_client, customer, assigned_request, professional
):
    response = web_client(customer).get(detail_url(assigned_request))

    body = response.content.decode()
    assert "Assigned" in body
    assert professional.full_name in body
    assert professional.professional_profile.contact_phone not in body  # the thread is the contact
    assert professional.phone not in body
    assert not response.context["actions"]["edit"]
