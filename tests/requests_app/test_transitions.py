"""Every action from every status by every role: what is allowed happens and is recorded once;
everything else is refused with the right error and changes nothing."""

from decimal import Decimal

import pytest

from householdsvc.core.errors import InvalidTransition, NotAllowed, NotFound
from requests_app import services
from requests_app.models import TRANSITIONS, Action, RequestEvent, ServiceRequest, Status
from tests.requests_app.factories import ServiceRequestFactory, walk_to

pytestmark = pytest.mark.django_db

ROLES = ["owner", "other_customer", "professional", "other_professional", "pending_professional", "admin"]
ACTIONS = ["edit", "accept", "reject", "assign", "start", "arrive", "complete", "close", "cancel"]

# Who may do each action, independent of state. "assigned" means the request's professional.
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
STAMPS = {
    "accept": "assigned_at",
    "assign": "assigned_at",
    "start": "started_at",
    "arrive": "arrived_at",
    "complete": "completed_at",
    "close": "closed_at",
    "cancel": "cancelled_at",
}


def expected_outcome(role, status, action):
    """The rule, written out once more independently of the services: 404, 403, 409 or ok.
    In every status past ``requested`` the request is worked by ``professional`` (Carol)."""
    if role in ("owner", "admin", "professional"):
        visible = True
    elif role == "other_professional":
        # Offered while open; afterwards only accept/reject still see it, to learn it is taken.
        visible = status == Status.REQUESTED or action in ("accept", "reject")
    else:
        visible = False
    if not visible:
        return NotFound
    if "assigned" in ACTORS[action]:
        may_act = role == "professional" and status != Status.REQUESTED
    else:
        may_act = role in ACTORS[action]
    if not may_act:
        return NotAllowed
    if status not in TRANSITIONS[action][0]:
        return InvalidTransition
    return None


@pytest.fixture
def users(customer, other_customer, professional, other_professional, pending_professional, admin_user):
    return {
        "owner": customer,
        "other_customer": other_customer,
        "professional": professional,
        "other_professional": other_professional,
        "pending_professional": pending_professional,
        "admin": admin_user,
    }


def perform(action, request_id, actor, professional):
    if action == "edit":
        return services.service_request_edit(request_id=request_id, actor=actor, description="Also the oven.")
    if action in ("accept", "start"):
        return getattr(services, f"service_request_{action}")(request_id=request_id, professional=actor)
    if action == "arrive":
        return services.service_request_arrive(request_id=request_id, professional=actor, start_code="2468")
    if action == "reject":
        return services.service_request_reject(request_id=request_id, professional=actor, note="Too far.")
    if action == "assign":
        return services.service_request_assign(request_id=request_id, professional=professional, actor=actor)
    if action == "complete":
        return services.service_request_complete(
            request_id=request_id, professional=actor, final_price=Decimal("50.00")
        )
    if action == "close":
        return services.service_request_close(request_id=request_id, actor=actor)
    return services.service_request_cancel(request_id=request_id, actor=actor, reason="No longer needed.")


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("role", ROLES)
def test_transition_matrix(in_state, users, role, status, action):
    service_request = in_state(status)
    actor = users[role]
    before = ServiceRequest.objects.values().get(pk=service_request.pk)
    events_before = RequestEvent.objects.count()
    expected = expected_outcome(role, status, action)

    if expected is not None:
        with pytest.raises(expected) as excinfo:
            perform(action, service_request.pk, actor, users["professional"])
        assert (
            excinfo.value.code
            == {
                NotFound: "not_found",
                NotAllowed: "not_allowed",
                InvalidTransition: "invalid_transition",
            }[expected]
        )
        if expected is InvalidTransition:
            assert status in excinfo.value.detail
        assert ServiceRequest.objects.values().get(pk=service_request.pk) == before
        assert RequestEvent.objects.count() == events_before
        return

    perform(action, service_request.pk, actor, users["professional"])
    service_request.refresh_from_db()
    assert service_request.status == TRANSITIONS[action][1]
    event = RequestEvent.objects.get(request=service_request)
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        action,
        status,
        TRANSITIONS[action][1],
        actor,
    )
    if action in STAMPS:
        assert getattr(service_request, STAMPS[action]) is not None
    if action in ("accept", "assign"):
        assert service_request.professional == users["professional" if action == "assign" else role]
    if action == "reject":
        assert service_request.rejected_by.filter(pk=actor.pk).exists()


def test_a_request_walks_the_whole_machine_and_every_step_is_recorded(customer, service, professional):
    created = services.service_request_create(
        customer=customer, service=service, description="Deep-clean the flat."
    )

    closed = walk_to(created, Status.CLOSED, professional=professional)

    assert closed.status == Status.CLOSED
    assert closed.final_price == Decimal("45.00")
    assert all(
        getattr(closed, stamp)
        for stamp in ("assigned_at", "started_at", "arrived_at", "completed_at", "closed_at")
    )
    trail = list(closed.events.values_list("action", "from_status", "to_status"))
    assert trail == [
        (Action.CREATE, "", Status.REQUESTED),
        ("offer", Status.REQUESTED, Status.REQUESTED),
        (Action.ACCEPT, Status.REQUESTED, Status.ASSIGNED),
        (Action.START, Status.ASSIGNED, Status.EN_ROUTE),
        (Action.ARRIVE, Status.EN_ROUTE, Status.ON_SITE),
        (Action.COMPLETE, Status.ON_SITE, Status.COMPLETED),
        (Action.CLOSE, Status.COMPLETED, Status.CLOSED),
    ]


@pytest.mark.parametrize("status", ["assigned", "en_route"])
def test_a_job_is_completed_only_once_on_site(in_state, professional, status):
    service_request = in_state(status)
    with pytest.raises(InvalidTransition) as excinfo:
        services.service_request_complete(
            request_id=service_request.pk, professional=professional, final_price="39.99"
        )
    assert excinfo.value.detail == f"Cannot complete this request: it is {status}."
    assert ServiceRequest.objects.get(pk=service_request.pk).status == status


@pytest.mark.parametrize("status", [Status.REQUESTED, Status.ASSIGNED, Status.EN_ROUTE])
def test_cancel_stamps_the_time_and_reason(in_state, customer, status):
    service_request = in_state(status)
    cancelled = services.service_request_cancel(
        request_id=service_request.pk, actor=customer, reason="Moved out."
    )
    assert cancelled.status == Status.CANCELLED
    assert cancelled.cancel_reason == "Moved out."
    assert cancelled.cancelled_at is not None
    assert cancelled.events.get().note == "Moved out."


def test_cancel_without_a_reason_records_who_cancelled(open_request, admin_user):
    cancelled = services.service_request_cancel(request_id=open_request.pk, actor=admin_user)
    assert cancelled.cancel_reason == "Cancelled by an admin."


def test_blocked_professional_cannot_act_on_their_job(assigned_request, professional):
    professional.is_active = False
    professional.save()
    with pytest.raises(NotAllowed) as excinfo:
        services.service_request_start(request_id=assigned_request.pk, professional=professional)
    assert excinfo.value.code == "account_blocked"
    assigned_request.refresh_from_db()
    assert assigned_request.status == Status.ASSIGNED


def test_unknown_request_is_not_found(admin_user):
    with pytest.raises(NotFound):
        services.service_request_close(request_id=987654, actor=admin_user)
    with pytest.raises(NotFound):
        services.service_request_close(request_id="abc", actor=admin_user)


def test_cancelled_open_request_keeps_no_professional(customer, service, professional):
    service_request = ServiceRequestFactory(customer=customer, service=service)
    services.service_request_cancel(request_id=service_request.pk, actor=customer)
    with pytest.raises(InvalidTransition):
        services.service_request_accept(request_id=service_request.pk, professional=professional)
