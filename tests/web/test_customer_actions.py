"""What a customer may do from the request page: edit, cancel, close; and what they may not."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app.models import Action, RequestEvent, ServiceRequest, Status
from tests.requests_app.schedule_helpers import at, local_day, works
from tests.web.conftest import HOME_ADDRESS

pytestmark = pytest.mark.django_db


def detail_url(service_request):
    return reverse("requests_app:detail", args=[service_request.pk])


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


# --- Customer actions ------------------------------------------------------------------------


def test_editing_an_open_request_records_the_change(web_client, customer, open_request):
    client = web_client(customer)
    edit_url = reverse("requests_app:edit", args=[open_request.pk])
    assert client.get(edit_url).context["form"].initial["description"] == open_request.description

    response = client.post(
        edit_url,
        {"description": "Kitchen only", "address": HOME_ADDRESS, "pin_code": "560001", "remarks": "Dog"},
        follow=True,
    )

    open_request.refresh_from_db()
    assert open_request.description == "Kitchen only" and open_request.remarks == "Dog"
    assert RequestEvent.objects.filter(request=open_request, action=Action.EDIT).exists()
    assert "Your request was updated." in messages_of(response)


def test_emptying_the_preferred_time_clears_it(web_client, customer, make_request, professional):
    works(professional, ("09:00", "17:00"))
    service_request = make_request(scheduled_for=at(local_day(2), "10:30"))
    edit_url = reverse("requests_app:edit", args=[service_request.pk])

    response = web_client(customer).post(
        edit_url,
        {
            "description": service_request.description,
            "address": HOME_ADDRESS,
            "pin_code": "560001",
            "scheduled_for": "",
        },
        follow=True,
    )

    service_request.refresh_from_db()
    assert service_request.scheduled_for is None
    event = RequestEvent.objects.get(request=service_request, action=Action.EDIT)
    assert event.note == "Changed: scheduled_for."
    assert "Your request was updated." in messages_of(response)


def test_an_untouched_preferred_time_that_has_passed_does_not_block_an_edit(
    web_client, customer, make_request
):
    service_request = make_request()
    passed = (timezone.now() - timedelta(days=1)).replace(second=0, microsecond=0)
    ServiceRequest.objects.filter(pk=service_request.pk).update(scheduled_for=passed)
    edit_url = reverse("requests_app:edit", args=[service_request.pk])

    web_client(customer).post(
        edit_url,
        {
            "description": service_request.description,
            "address": HOME_ADDRESS,
            "pin_code": "560001",
            "scheduled_for": timezone.localtime(passed).strftime("%Y-%m-%dT%H:%M"),
            "remarks": "Dog",
        },
    )

    service_request.refresh_from_db()
    assert (service_request.remarks, service_request.scheduled_for) == ("Dog", passed)
    assert RequestEvent.objects.get(request=service_request, action=Action.EDIT).note == "Changed: remarks."


def test_moving_a_household_job_drops_its_old_position(web_client, customer, make_request):
    service_request = make_request(latitude="12.9716", longitude="77.5946")
    edit_url = reverse("requests_app:edit", args=[service_request.pk])

    web_client(customer).post(
        edit_url,
        {"description": service_request.description, "address": "Elsewhere 5", "pin_code": "110001"},
    )

    service_request.refresh_from_db()
    assert (service_request.address, service_request.pin_code) == ("Elsewhere 5", "110001")
    assert (service_request.latitude, service_request.longitude) == (None, None)
    event = RequestEvent.objects.get(request=service_request, action=Action.EDIT)
    assert event.note == "Changed: address, pin_code, latitude, longitude."


def test_an_assigned_request_can_no_longer_be_edited(web_client, customer, assigned_request):
    response = web_client(customer).post(
        reverse("requests_app:edit", args=[assigned_request.pk]),
        {"description": "Too late", "address": "x", "pin_code": "1"},
        follow=True,
    )

    assigned_request.refresh_from_db()
    assert assigned_request.description != "Too late"
    assert any("can no longer be edited" in m for m in messages_of(response))


def test_cancelling_with_a_reason(web_client, customer, open_request):
    response = web_client(customer).post(
        reverse("requests_app:cancel", args=[open_request.pk]), {"reason": "Found someone"}, follow=True
    )

    open_request.refresh_from_db()
    assert open_request.status == Status.CANCELLED and open_request.cancel_reason == "Found someone"
    assert "The request was cancelled." in messages_of(response)
    assert "Found someone" in response.content.decode()


def test_cancelling_a_completed_request_is_refused_and_changes_nothing(
    web_client, customer, completed_request
):
    events_before = RequestEvent.objects.filter(request=completed_request).count()

    response = web_client(customer).post(
        reverse("requests_app:cancel", args=[completed_request.pk]), {"reason": "x"}, follow=True
    )

    completed_request.refresh_from_db()
    assert completed_request.status == Status.COMPLETED
    assert RequestEvent.objects.filter(request=completed_request).count() == events_before
    assert response.status_code == 200
    errors = [m for m in response.context["messages"] if m.level_tag == "error"]
    assert errors and "completed" in str(errors[0])
    assert 'class="error"' in response.content.decode()


def test_closing_a_completed_request(web_client, customer, completed_request):
    response = web_client(customer).post(
        reverse("requests_app:close", args=[completed_request.pk]), follow=True
    )

    completed_request.refresh_from_db()
    assert completed_request.status == Status.CLOSED
    assert "The request is closed. Thank you!" in messages_of(response)


def test_closing_an_open_request_is_refused(web_client, customer, open_request):
    response = web_client(customer).post(reverse("requests_app:close", args=[open_request.pk]), follow=True)

    open_request.refresh_from_db()
    assert open_request.status == Status.REQUESTED
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_another_customer_cannot_cancel_my_request(web_client, other_customer, open_request):
    response = web_client(other_customer).post(reverse("requests_app:cancel", args=[open_request.pk]))

    open_request.refresh_from_db()
    assert response.status_code == 404 and open_request.status == Status.REQUESTED


def test_an_admin_may_cancel_from_the_request_page(web_client, admin_user, open_request):
    response = web_client(admin_user).post(
        reverse("requests_app:cancel", args=[open_request.pk]), {"reason": "Fraud"}, follow=True
    )

    open_request.refresh_from_db()
    assert open_request.status == Status.CANCELLED and open_request.cancel_reason == "Fraud"
    assert RequestEvent.objects.filter(request=open_request, action=Action.CANCEL, actor=admin_user).exists()
    assert "The request was cancelled." in messages_of(response)


def test_an_admin_may_not_edit_a_customers_request(web_client, admin_user, open_request):
    response = web_client(admin_user).get(reverse("requests_app:edit", args=[open_request.pk]))

    assert response.status_code == 403
