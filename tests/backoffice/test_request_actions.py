"""Assigning and cancelling from the back office: both go through requests_app.services, offer
only what the service would accept, and report every refusal without changing anything."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from exports.models import ExportJob, ExportKind
from householdsvc.core.errors import ValidationFailed
from requests_app.admin_views import MAX_ACTION_SELECTION, describe_error
from requests_app.models import Action, RequestEvent, Status
from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import ServiceFactory
from tests.requests_app.factories import ServiceRequestFactory

CHANGELIST = reverse("admin:requests_app_servicerequest_changelist")


def run_action(client, action, requests, **form):
    data = {"action": action, "_selected_action": [r.pk for r in requests], **form}
    return client.post(CHANGELIST, data)


def error_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


def success_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "success"]


# --- Assign -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_assign_page_offers_only_suitable_professionals(
    admin_browser, open_request, professional, other_professional, pending_professional
):
    elsewhere = ProfessionalFactory(email="frank@example.com", professional_profile__service=ServiceFactory())
    blocked = ProfessionalFactory(
        email="gina@example.com", is_active=False, professional_profile__service=open_request.service
    )

    response = run_action(admin_browser, "assign_professional", [open_request])

    assert response.status_code == 200
    field = response.context["form"].fields[f"professional_{open_request.pk}"]
    offered = {value.value for value, _ in field.choices if value}
    assert offered == {professional.pk, other_professional.pk}
    assert not {pending_professional.pk, elsewhere.pk, blocked.pk} & offered


@pytest.mark.django_db
def test_assigning_a_roadside_request_lists_the_nearest_first_with_their_distances(
    admin_browser, customer, dispatch_service
):
    def at(email, latitude):
        return ProfessionalFactory(
            email=email,
            full_name=email.split("@")[0].title(),
            professional_profile__service=dispatch_service,
            professional_profile__current_latitude=latitude,
            professional_profile__current_longitude=None if latitude is None else "77.600000",
        )

    far, near = at("far@example.com", "13.000000"), at("near@example.com", "12.910000")
    nowhere = at("nowhere@example.com", None)
    stranded = ServiceRequestFactory(
        customer=customer, service=dispatch_service, latitude="12.900000", longitude="77.600000"
    )

    response = run_action(admin_browser, "assign_professional", [stranded])

    field = response.context["form"].fields[f"professional_{stranded.pk}"]
    choices = [(value.value, label) for value, label in field.choices if value]
    assert [value for value, _ in choices] == [near.pk, far.pk, nowhere.pk]
    assert choices[0][1].endswith("— 1.1 km away")
    assert choices[1][1].endswith("— 11.1 km away")
    assert "km away" not in choices[2][1]


@pytest.mark.django_db
def test_assign_goes_through_the_service_and_records_the_admin(
    admin_browser, admin_user, open_request, professional
):
    response = run_action(
        admin_browser,
        "assign_professional",
        [open_request],
        apply="Assign",
        **{f"professional_{open_request.pk}": professional.pk},
    )

    assert response.status_code == 302
    open_request.refresh_from_db()
    assert open_request.status == Status.ASSIGNED
    assert open_request.professional == professional
    event = RequestEvent.objects.get(request=open_request, action=Action.ASSIGN)
    assert (event.actor, event.from_status, event.to_status) == (
        admin_user,
        Status.REQUESTED,
        Status.ASSIGNED,
    )
    assert success_messages(response) == ["Assigned 1 request."]


@pytest.mark.django_db
def test_assigning_an_unsuitable_professional_is_refused(admin_browser, open_request, pending_professional):
    response = run_action(
        admin_browser,
        "assign_professional",
        [open_request],
        apply="Assign",
        **{f"professional_{open_request.pk}": pending_professional.pk},
    )

    # The page comes back with the refusal on the request's line; nothing was written.
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    open_request.refresh_from_db()
    assert open_request.status == Status.REQUESTED
    assert not RequestEvent.objects.filter(request=open_request, action=Action.ASSIGN).exists()


@pytest.mark.django_db
def test_assign_to_a_request_no_longer_open_reports_409_and_changes_nothing(
    admin_browser, open_request, completed_request, professional, other_professional
):
    before = completed_request.professional_id

    response = run_action(
        admin_browser,
        "assign_professional",
        [open_request, completed_request],
        apply="Assign",
        **{
            f"professional_{open_request.pk}": other_professional.pk,
            f"professional_{completed_request.pk}": other_professional.pk,
        },
    )

    completed_request.refresh_from_db()
    open_request.refresh_from_db()
    assert (completed_request.status, completed_request.professional_id) == (Status.COMPLETED, before)
    assert not RequestEvent.objects.filter(request=completed_request).exists()
    assert error_messages(response) == [
        f"Request #{completed_request.pk}: Cannot assign this request: it is completed."
    ]
    # The other request of the selection is assigned all the same.
    assert open_request.professional == other_professional
    assert success_messages(response) == ["Assigned 1 request."]


@pytest.mark.django_db
def test_assign_with_no_choice_changes_nothing(admin_browser, open_request):
    response = run_action(admin_browser, "assign_professional", [open_request], apply="Assign")

    open_request.refresh_from_db()
    assert open_request.status == Status.REQUESTED
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_selection_too_large_is_refused(admin_browser, customer, service):
    requests = ServiceRequestFactory.create_batch(
        MAX_ACTION_SELECTION + 1, customer=customer, service=service
    )

    response = run_action(admin_browser, "cancel_requests", requests, apply="yes", reason="Duplicate")

    assert error_messages(response) == [f"Select at most {MAX_ACTION_SELECTION} requests for this action."]
    assert not RequestEvent.objects.filter(action=Action.CANCEL).exists()


# --- Cancel -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cancel_page_asks_for_a_reason(admin_browser, open_request):
    response = run_action(admin_browser, "cancel_requests", [open_request])

    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    open_request.refresh_from_db()
    assert open_request.status == Status.REQUESTED


@pytest.mark.django_db
def test_cancel_without_a_reason_is_refused(admin_browser, open_request):
    response = run_action(admin_browser, "cancel_requests", [open_request], apply="yes", reason="  ")

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    open_request.refresh_from_db()
    assert open_request.status == Status.REQUESTED


@pytest.mark.django_db
def test_cancel_writes_the_event_with_the_reason(admin_browser, admin_user, open_request):
    response = run_action(
        admin_browser, "cancel_requests", [open_request], apply="yes", reason="Customer phoned to cancel."
    )

    open_request.refresh_from_db()
    assert open_request.status == Status.CANCELLED
    assert open_request.cancel_reason == "Customer phoned to cancel."
    event = RequestEvent.objects.get(request=open_request, action=Action.CANCEL)
    assert (event.actor, event.note) == (admin_user, "Customer phoned to cancel.")
    assert success_messages(response) == ["Cancelled 1 request."]


@pytest.mark.django_db
def test_cancel_of_a_completed_request_reports_409_and_changes_nothing(admin_browser, completed_request):
    response = run_action(admin_browser, "cancel_requests", [completed_request], apply="yes", reason="Oops")

    completed_request.refresh_from_db()
    assert completed_request.status == Status.COMPLETED
    assert completed_request.cancel_reason == ""
    assert not RequestEvent.objects.filter(request=completed_request).exists()
    assert error_messages(response) == [
        f"Request #{completed_request.pk}: Cannot cancel this request: it is completed."
    ]
    assert success_messages(response) == []


@pytest.mark.django_db
def test_customer_cannot_run_actions(customer_browser, open_request):
    response = run_action(customer_browser, "cancel_requests", [open_request], apply="yes", reason="Mine")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    open_request.refresh_from_db()
    assert open_request.status == Status.REQUESTED


# --- Export -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_action_starts_an_export_job_of_the_selection(
    admin_browser, admin_user, open_request, completed_request
):
    response = run_action(
        admin_browser, "export_selected_service_requests_as_csv", [open_request, completed_request]
    )

    job = ExportJob.objects.get()
    assert (job.kind, job.requested_by) == (ExportKind.SERVICE_REQUESTS, admin_user)
    assert sorted(job.filters["ids"]) == sorted([open_request.pk, completed_request.pk])
    assert response.status_code == 302


def test_a_refusal_with_field_messages_is_reported_in_full():
    error = ValidationFailed(
        "Invalid input.", errors={"professional": ["This professional is not approved."]}
    )

    assert describe_error(error) == "Invalid input. This professional is not approved."
