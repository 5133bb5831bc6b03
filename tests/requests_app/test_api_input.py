"""Bad input through the API: a clear 400 naming the field, and nothing changed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from requests_app.models import RequestEvent, ServiceRequest, Status
from tests.catalog.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(ServiceRequest.objects.order_by("pk").values()),
        RequestEvent.objects.count(),
    )


def assert_400(response, field):
    assert response.status_code == 400, response.content
    body = response.json()
    assert (body["code"], set(body)) == ("invalid", {"code", "detail", "errors"})
    assert field in body["errors"], body


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"service": 987654}, "service"),
        ({"service": "inactive"}, "service"),
        ({"service": "dispatch"}, "latitude"),
        ({"service": "dispatch", "latitude": 12.9}, "longitude"),
        ({"scheduled_for": "past"}, "scheduled_for"),
        ({"vehicle_type": "spaceship"}, "vehicle_type"),
        ({"description": ""}, "description"),
        ({"latitude": "north", "longitude": 1}, "latitude"),
        ({"latitude": 95, "longitude": 1}, "latitude"),
    ],
)
def test_bad_create_is_a_400_and_creates_nothing(
    client_for, customer, service, dispatch_service, payload, field
):
    body = {"service": service.pk, "description": "Clean the flat."} | payload
    if body["service"] == "inactive":
        body["service"] = ServiceFactory(is_active=False).pk
    if body["service"] == "dispatch":
        body["service"] = dispatch_service.pk
    if body.get("scheduled_for") == "past":
        body["scheduled_for"] = (timezone.now() - timedelta(hours=2)).isoformat()
    before = snapshot()

    response = client_for(customer).post("/api/v1/requests/", body, format="json")

    assert_400(response, field)
    assert snapshot() == before


def test_create_ignores_a_price_sent_by_the_caller(client_for, customer, dispatch_service):
    response = client_for(customer).post(
        "/api/v1/requests/",
        {
            "service": dispatch_service.pk,
            "description": "Flat tyre on the ring road.",
            "latitude": 12.97159871,
            "longitude": 77.59460012,
            "vehicle_type": "ev",
            "price_estimate": "0.01",
            "status": "closed",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["price_estimate"], body["status"]) == ("75.00", "requested")
    assert (body["latitude"], body["longitude"]) == ("12.971599", "77.594600")
    assert body["customer"]["phone"] is None  # phones stay hidden; the thread is the contact


@pytest.mark.parametrize(
    ("final_price", "field"), [("-5", "final_price"), ("999999", "final_price"), ("abc", "final_price")]
)
def test_bad_final_price_is_a_400_and_changes_nothing(
    client_for, professional, on_site_request, final_price, field
):
    before = snapshot()
    response = client_for(professional).post(
        f"/api/v1/requests/{on_site_request.pk}/complete/", {"final_price": final_price}, format="json"
    )
    assert_400(response, field)
    assert snapshot() == before


def test_complete_without_a_price_is_a_400(client_for, professional, assigned_request):
    assert_400(
        client_for(professional).post(f"/api/v1/requests/{assigned_request.pk}/complete/"), "final_price"
    )


def test_assigning_a_pending_professional_is_a_400(
    client_for, admin_user, open_request, pending_professional
):
    before = snapshot()
    response = client_for(admin_user).post(
        f"/api/v1/requests/{open_request.pk}/assign/",
        {"professional": pending_professional.pk},
        format="json",
    )
    assert_400(response, "professional")
    assert snapshot() == before


@pytest.mark.parametrize("status", [Status.CANCELLED, Status.CLOSED])
@pytest.mark.parametrize("action", ["accept", "cancel", "close", "start", "complete"])
def test_any_action_on_a_finished_request_is_a_409_and_changes_nothing(
    client_for, in_state, customer, professional, status, action
):
    service_request = in_state(status)
    actor = customer if action in ("cancel", "close") else professional
    before = snapshot()

    response = client_for(actor).post(
        f"/api/v1/requests/{service_request.pk}/{action}/", {"final_price": "10"}, format="json"
    )

    assert response.status_code == 409, response.content
    assert response.json() == {
        "code": "invalid_transition",
        "detail": f"Cannot {action} this request: it is {status}.",
    }
    assert snapshot() == before


def test_edit_through_the_api_records_the_change(client_for, customer, open_request):
    response = client_for(customer).patch(
        f"/api/v1/requests/{open_request.pk}/", {"remarks": "Gate code 1234."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["remarks"] == "Gate code 1234."
    assert open_request.events.get().note == "Changed: remarks."


def test_put_is_not_offered(client_for, customer, open_request):
    response = client_for(customer).put(f"/api/v1/requests/{open_request.pk}/", {}, format="json")
    assert response.status_code == 405


def test_a_non_numeric_id_is_a_404(client_for, admin_user):
    assert client_for(admin_user).get("/api/v1/requests/abc/").status_code == 404
    assert client_for(admin_user).post("/api/v1/requests/abc/close/").status_code == 404
