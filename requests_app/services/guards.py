"""What every change to a request goes through: the locked, visible fetch of its row, the
checks of who may act and from which state, and ``move``, which applies a transition and
records it in the audit trail (``RequestEvent``), with the notifications and the live
broadcast queued after commit."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext

from householdsvc.core.errors import InvalidTransition, NotAllowed, NotFound
from householdsvc.core.transactions import on_commit_robust
from requests_app import events, offers
from requests_app.models import (
    TRANSITIONS,
    RequestEvent,
    ServiceRequest,
)
from requests_app.notifications import transition_notify
from requests_app.selectors import can_see, professional_may_take
from requests_app.status_words import action_word, status_word

# --- Guards -------------------------------------------------------------------------------


def service_request_lock(*, request_id, visible_to=None, no_key: bool = False) -> ServiceRequest:
    """The request's row, locked until the transaction ends, for every service that checks and
    then changes a request or what hangs off it (reviews, tracking, payments). 404 for an
    unknown id, and for a request ``visible_to`` (the acting user) may not see. ``no_key``
    takes ``FOR NO KEY UPDATE``: it still queues behind a transition's ``FOR UPDATE`` but lets
    rows that reference the request be inserted meanwhile."""
    try:
        service_request = ServiceRequest.objects.select_for_update(no_key=no_key).get(pk=int(request_id))
    except (ServiceRequest.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(gettext("No such service request.")) from exc
    if visible_to is not None and not can_see(visible_to, service_request):
        raise NotFound(gettext("No such service request."))
    return service_request


def ensure_visible(actor, service_request: ServiceRequest, *, offer: bool = False) -> None:
    """404 unless the actor may see the request. For accepting or turning down (``offer``) a
    professional who could have been offered it also qualifies, so whoever loses a race for the
    same request learns it is taken (409) instead of being told it does not exist."""
    if can_see(actor, service_request):
        return
    if offer and (professional_may_take(actor, service_request) or offers.has_offer(actor, service_request)):
        return
    raise NotFound(gettext("No such service request."))


def ensure_state(service_request: ServiceRequest, action: str) -> None:
    allowed_from, _ = TRANSITIONS[action]
    if service_request.status not in allowed_from:
        raise InvalidTransition(
            gettext("Cannot %(action)s this request: it is %(status)s.")
            % {"action": action_word(action), "status": status_word(service_request.status)},
        )


def ensure_assigned_professional(actor, service_request: ServiceRequest) -> None:
    if service_request.professional_id != actor.pk:
        raise NotAllowed(gettext("Only the professional assigned to this request may do this."))


def ensure_owner_or_admin(actor, service_request: ServiceRequest, what: str) -> None:
    if not (actor.is_admin or service_request.customer_id == actor.pk):
        raise NotAllowed(
            gettext("Only the customer who made the request, or an admin, may %(what)s it.")
            % {"what": action_word(what)}
        )


def move(service_request, action, actor, *, note="", stamp=None, extra_fields=()) -> ServiceRequest:
    """Apply a transition to the locked row and record it in the audit trail."""
    from_status = service_request.status
    _, to_status = TRANSITIONS[action]
    service_request.status = to_status
    fields = ["status", "updated_at", *extra_fields]
    if stamp:
        setattr(service_request, stamp, timezone.now())
        fields.append(stamp)
    service_request.save(update_fields=fields)
    event = RequestEvent.objects.create(
        request=service_request,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        note=note,
    )
    # The other side hears of it (in the app, by e-mail, SMS: as each chose), once.
    transition_notify(service_request=service_request, event=event)
    if from_status != to_status:
        # robust: a broken channel layer must not turn a committed change into an error.
        on_commit_robust(events.broadcast_status, service_request)
    return service_request
