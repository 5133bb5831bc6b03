"""The permission matrix over every endpoint of the request API, for every kind of caller.

A request the caller may not see is 404 on every route (its existence is not leaked), a
visible one the caller may not act on is 403, a wrong state 409; anonymous callers get 401.
"""

from decimal import Decimal

import pytest

from requests_app.models import TRANSITIONS, RequestEvent, ServiceRequest, Status
from tests.accounts.factories import ProfessionalFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "owner",
    "other_customer",
    "professional",
    "other_professional",
    "far_professional",
    "pending_professional",
    "admin",
]
STATES = [Status.REQUESTED, Status.ASSIGNED, Status.COMPLETED, Status.CANCELLED]
ACTIONS = ["accept", "reject", "assign", "start", "arrive", "complete", "close", "cancel"]
ACTORS = {
    "edit": {"owner"},
    "accept": {"professional", "other_professional"},
    "reject": {"professional", "other_professional"},
    "assign": {"admin"},
    "start": {"assigned"},
    "arrive": {"assigned"},
    "complete": {"assigned"},
    "close": {"owner", "admin"},
    "cancel": {"owner", "admin"},
}


@pytest.fixture
def callers(
    customer, other_customer, professional, other_professional, pending_professional, admin_user, service
):
    far = ProfessionalFactory(
        professional_profile__service=service,
        professional_profile__pin_code="110001",
        professional_profile__current_latitude=Decimal("28.613900"),
        professional_profile__current_longitude=Decimal("77.209000"),
    )
    return {
        "anonymous": None,
        "owner": customer,
        "other_customer": other_customer,
        "professional": professional,
        "other_professional": other_professional,
        "far_professional": far,
        "pending_professional": pending_professional,
        "admin": admin_user,
    }


def sees(role, status):
    """May this caller read the request (detail, events, in their list)?"""
    if role in ("owner", "admin", "professional"):
        return True  # Carol is offered it while open and works it afterwards
    return role == "other_professional" and status == Status.REQUESTED


def sees_history(role, status):
    """The trail names the customer and what they changed: not shown to a professional the
    request is only offered to."""
    offered_only = role in ("professional", "other_professional") and status == Status.REQUESTED
    return sees(role, status) and not offered_only


def expected_status(role, status, action):
    if role == "anonymous":
        return 401
    visible = sees(role, status) or (role == "other_professional" and action in ("accept", "reject"))
    if not visible:
        return 404
    if "assigned" in ACTORS[action]:
        may_act = role == "professional" and status != Status.REQUESTED
    else:
        may_act = role in ACTORS[action]
    if not may_act:
        return 403
    return 200 if status in TRANSITIONS[action][0] else 409


def body_for(action, callers):
    return {
        "assign": {"professional": callers["professional"].pk},
        "complete": {"final_price": "50.00"},
        "arrive": {"start_code": "2468"},
        "cancel": {"reason": "Not needed any more."},
        "reject": {"note": "Too busy."},
        "edit": {"description": "Also the oven, please."},
    }.get(action, {})


def assert_error_shape(response, code):
    body = response.json()
    assert body["code"] == code
    assert set(body) == ({"code", "detail", "errors"} if code == "invalid" else {"code", "detail"})


@pytest.mark.parametrize("action", [*ACTIONS, "edit"])
@pytest.mark.parametrize("status", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_action_matrix(client_for, callers, in_state, role, status, action):
    service_request = in_state(status)
    before = ServiceRequest.objects.values().get(pk=service_request.pk)
    events_before = RequestEvent.objects.count()
    client = client_for(callers[role])
    url = f"/api/v1/requests/{service_request.pk}/"
    body = body_for(action, callers)

    if action == "edit":
        response = client.patch(url, body, format="json")
    else:
        response = client.post(f"{url}{action}/", body, format="json")

    expected = expected_status(role, status, action)
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["status"] == TRANSITIONS[action][1]
        assert RequestEvent.objects.count() == events_before + 1
        return
    assert_error_shape(
        response,
        {401: "not_authenticated", 403: "not_allowed", 404: "not_found", 409: "invalid_transition"}[expected],
    )
    assert ServiceRequest.objects.values().get(pk=service_request.pk) == before
    assert RequestEvent.objects.count() == events_before


@pytest.mark.parametrize("status", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_read_matrix(client_for, callers, in_state, role, status):
    service_request = in_state(status)
    client = client_for(callers[role])
    base = f"/api/v1/requests/{service_request.pk}/"

    detail, events, listing = client.get(base), client.get(f"{base}events/"), client.get("/api/v1/requests/")

    if role == "anonymous":
        assert {detail.status_code, events.status_code, listing.status_code} == {401}
        return
    assert detail.status_code == (200 if sees(role, status) else 404)
    assert events.status_code == (200 if sees_history(role, status) else 404)
    listed = [row["id"] for row in listing.json()["results"]]
    assert listed == ([service_request.pk] if sees(role, status) else [])


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("owner", 201),
        ("other_customer", 201),
        ("professional", 403),
        ("pending_professional", 403),
        ("admin", 403),
    ],
)
def test_only_customers_create(client_for, callers, service, role, expected):
    response = client_for(callers[role]).post(
        "/api/v1/requests/", {"service": service.pk, "description": "Clean the windows."}, format="json"
    )
    assert response.status_code == expected, response.content
    assert ServiceRequest.objects.count() == (1 if expected == 201 else 0)
