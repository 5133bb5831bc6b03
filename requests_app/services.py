"""Every change to a service request: its creation, the customer's edits and one function per
transition of the status machine (``requests_app.models.TRANSITIONS``).

Each transition runs in one transaction that locks the request's row, checks in this order
that the actor may see the request (404), may do this to it (403) and that its state allows it
(409), then changes the row, stamps the stage's timestamp and writes the ``RequestEvent`` — so
a refused or failing transition leaves neither a change nor an event. Emails and the live
broadcast are queued with ``transaction.on_commit``: nobody hears of a change that rolled back.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from accounts.validation import ensure_active
from catalog.selectors import bookable_service
from householdsvc.core.errors import Conflict, InvalidTransition, NotAllowed, NotFound
from householdsvc.core.transactions import on_commit_robust
from householdsvc.core.validation import position, raise_if_invalid
from requests_app import emails, events, validation
from requests_app.models import (
    TRANSITIONS,
    Action,
    RequestEvent,
    ServiceRequest,
    Status,
    VehicleType,
)
from requests_app.schedule import cancellation
from requests_app.schedule import services as schedule
from requests_app.selectors import can_see, has_rejected, professional_may_take
from requests_app.validation import CANCEL_REASON_MAX_LENGTH, PIN_CODE_MAX_LENGTH

logger = logging.getLogger(__name__)

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
        raise NotFound("No such service request.") from exc
    if visible_to is not None and not can_see(visible_to, service_request):
        raise NotFound("No such service request.")
    return service_request


def _ensure_visible(actor, service_request: ServiceRequest, *, offer: bool = False) -> None:
    """404 unless the actor may see the request. For accepting or turning down (``offer``) a
    professional who could have been offered it also qualifies, so whoever loses a race for the
    same request learns it is taken (409) instead of being told it does not exist."""
    if can_see(actor, service_request):
        return
    if offer and professional_may_take(actor, service_request):
        return
    raise NotFound("No such service request.")


def _ensure_state(service_request: ServiceRequest, action: str) -> None:
    allowed_from, _ = TRANSITIONS[action]
    if service_request.status not in allowed_from:
        raise InvalidTransition(
            f"Cannot {action} this request: it is {service_request.status}.",
        )


def _ensure_assigned_professional(actor, service_request: ServiceRequest) -> None:
    if service_request.professional_id != actor.pk:
        raise NotAllowed("Only the professional assigned to this request may do this.")


def _ensure_owner_or_admin(actor, service_request: ServiceRequest, what: str) -> None:
    if not (actor.is_admin or service_request.customer_id == actor.pk):
        raise NotAllowed(f"Only the customer who made the request, or an admin, may {what} it.")


def _move(service_request, action, actor, *, note="", stamp=None, extra_fields=()) -> ServiceRequest:
    """Apply a transition to the locked row and record it in the audit trail."""
    from_status = service_request.status
    _, to_status = TRANSITIONS[action]
    service_request.status = to_status
    fields = ["status", "updated_at", *extra_fields]
    if stamp:
        setattr(service_request, stamp, timezone.now())
        fields.append(stamp)
    service_request.save(update_fields=fields)
    RequestEvent.objects.create(
        request=service_request,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        note=note,
    )
    if from_status != to_status:
        # robust: a broken channel layer must not turn a committed change into an error.
        on_commit_robust(events.broadcast_status, service_request)
    return service_request


# --- Create and edit ----------------------------------------------------------------------


def service_request_create(
    *,
    customer,
    service,
    description,
    address="",
    pin_code="",
    latitude=None,
    longitude=None,
    vehicle_type="",
    scheduled_for=None,
    remarks="",
) -> ServiceRequest:
    """A customer books a service. The estimate is the service's base price, set here and
    never taken from the caller. A household job needs an address and pin code (the customer's
    home by default); roadside help needs the position to be dispatched to."""
    ensure_active(customer)
    if customer.role != Role.CUSTOMER:
        raise NotAllowed("Only customers may request a service.")
    errors: dict[str, list[str]] = {}
    service = bookable_service(service, errors)
    description = validation.check_text(description, "description", errors, required=True)
    address = validation.check_text(address, "address", errors)
    pin_code = validation.check_text(pin_code, "pin_code", errors, max_length=PIN_CODE_MAX_LENGTH)
    remarks = validation.check_text(remarks, "remarks", errors)
    latitude, longitude = position(latitude, longitude, errors)
    scheduled_for = validation.check_scheduled_for(scheduled_for, errors)
    if service is not None and not service.is_dispatch and scheduled_for and "scheduled_for" not in errors:
        schedule.check_slot_time(scheduled_for, errors)
    vehicle_type = vehicle_type or ""
    if vehicle_type and vehicle_type not in VehicleType.values:
        errors["vehicle_type"] = [f"Choose one of: {', '.join(VehicleType.values)}."]

    if service is not None and service.is_dispatch:
        for field in ("latitude", "longitude"):
            if latitude is None and longitude is None and field not in errors:
                errors[field] = ["Roadside help needs the position to be dispatched to."]
    elif service is not None:
        try:
            home = customer.customer_profile
        except ObjectDoesNotExist:
            home = None
        if home is not None and not address and not pin_code:
            address, pin_code = home.address, home.pin_code
        if home is not None and latitude is None and validation.is_home(home, address, pin_code):
            # The home's position only for the home's address: a job booked elsewhere without
            # a position has none, rather than being offered by distance around the home.
            latitude, longitude = home.latitude, home.longitude
        if not address:
            errors.setdefault("address", ["A household job needs the address to come to."])
        if not pin_code:
            errors.setdefault("pin_code", ["A household job needs the pin code."])
    raise_if_invalid(errors)
    if not service.is_dispatch and scheduled_for:
        schedule.ensure_bookable(service=service, pin_code=pin_code, start=scheduled_for)

    with transaction.atomic():
        service_request = ServiceRequest.objects.create(
            service=service,
            customer=customer,
            description=description,
            address=address,
            pin_code=pin_code,
            latitude=latitude,
            longitude=longitude,
            vehicle_type=vehicle_type,
            scheduled_for=scheduled_for,
            remarks=remarks,
            price_estimate=service.base_price,
        )
        RequestEvent.objects.create(
            request=service_request,
            action=Action.CREATE,
            from_status="",
            to_status=Status.REQUESTED,
            actor=customer,
        )
    return service_request


# ``service_request_edit``'s default for the preferred time: leave it as it is (``None``
# clears it, so "not given" needs its own value).
UNCHANGED = object()


def service_request_edit(
    *,
    request_id,
    actor,
    description=None,
    address=None,
    pin_code=None,
    latitude=None,
    longitude=None,
    scheduled_for=UNCHANGED,
    remarks=None,
) -> ServiceRequest:
    """The customer changes their request while nobody has taken it yet. ``None`` leaves a
    field as it is, except the preferred time: ``None`` clears it and leaving it out keeps it.
    A household job given a new address or pin code without a new position loses its old one
    (it would be offered by distance around where the job no longer is); a roadside job keeps
    its position, which is what it is dispatched to, unless given a new one. The trail records
    which fields changed."""
    ensure_active(actor)
    with transaction.atomic():
        service_request = service_request_lock(request_id=request_id, visible_to=actor)
        if service_request.customer_id != actor.pk:
            raise NotAllowed("Only the customer who made the request may edit it.")
        _ensure_state(service_request, Action.EDIT)

        errors: dict[str, list[str]] = {}
        needs_address = not service_request.service.is_dispatch
        proposed = {}
        if description is not None:
            proposed["description"] = validation.check_text(description, "description", errors, required=True)
        if address is not None:
            proposed["address"] = validation.check_text(address, "address", errors, required=needs_address)
        if pin_code is not None:
            proposed["pin_code"] = validation.check_text(
                pin_code,
                "pin_code",
                errors,
                required=needs_address,
                max_length=PIN_CODE_MAX_LENGTH,
            )
        if remarks is not None:
            proposed["remarks"] = validation.check_text(remarks, "remarks", errors)
        if scheduled_for is not UNCHANGED:
            proposed["scheduled_for"] = validation.check_scheduled_for(scheduled_for, errors)
            if proposed["scheduled_for"] and needs_address and "scheduled_for" not in errors:
                schedule.check_slot_time(proposed["scheduled_for"], errors)
        if latitude is not None or longitude is not None:
            proposed["latitude"], proposed["longitude"] = position(latitude, longitude, errors)
        raise_if_invalid(errors)

        changed = [field for field, value in proposed.items() if getattr(service_request, field) != value]
        if needs_address and proposed.get("scheduled_for") and {"scheduled_for", "pin_code"} & set(changed):
            schedule.ensure_bookable(
                service=service_request.service,
                pin_code=proposed.get("pin_code", service_request.pin_code),
                start=proposed["scheduled_for"],
            )
        moved = {"address", "pin_code"} & set(changed)
        if needs_address and moved and "latitude" not in proposed:
            for field in ("latitude", "longitude"):
                if getattr(service_request, field) is not None:
                    proposed[field] = None
                    changed.append(field)
        if not changed:
            return service_request
        for field in changed:
            setattr(service_request, field, proposed[field])
        service_request.save(update_fields=[*changed, "updated_at"])
        RequestEvent.objects.create(
            request=service_request,
            action=Action.EDIT,
            from_status=service_request.status,
            to_status=service_request.status,
            actor=actor,
            note=f"Changed: {', '.join(changed)}.",
        )
    return service_request


# --- Professionals take or refuse an offer ------------------------------------------------


def service_request_accept(*, request_id, professional) -> ServiceRequest:
    """An approved professional of the service, in whose area the request lies, takes it."""
    ensure_active(professional)
    with transaction.atomic():
        # The row lock serialises professionals racing for the same request: the second one
        # waits here until the first commits, then finds it assigned and gets a 409.
        service_request = service_request_lock(request_id=request_id)
        _ensure_visible(professional, service_request, offer=True)
        if professional.role != Role.PROFESSIONAL:
            raise NotAllowed("Only professionals may accept requests.")
        if not professional_may_take(professional, service_request):
            raise NotAllowed("This request is not offered to you.")
        if has_rejected(professional, service_request):
            raise NotAllowed("You turned this request down.")
        _ensure_state(service_request, Action.ACCEPT)
        held = schedule.hold_for(service_request=service_request, professional=professional)
        service_request.professional = professional
        _move(
            service_request,
            Action.ACCEPT,
            professional,
            stamp="assigned_at",
            extra_fields=["professional", *held],
        )
        on_commit_robust(emails.notify_accepted, service_request.pk)
    return service_request


def service_request_reject(*, request_id, professional, note="") -> ServiceRequest:
    """A professional turns the offer down; it stays open for others and is never offered to
    them again."""
    ensure_active(professional)
    with transaction.atomic():
        service_request = service_request_lock(request_id=request_id)
        _ensure_visible(professional, service_request, offer=True)
        if professional.role != Role.PROFESSIONAL or not professional_may_take(professional, service_request):
            raise NotAllowed("Only a professional this request is offered to may turn it down.")
        _ensure_state(service_request, Action.REJECT)
        if has_rejected(professional, service_request):
            raise Conflict("You have already turned this request down.", code="already_rejected")
        service_request.rejected_by.add(professional)
        _move(service_request, Action.REJECT, professional, note=(note or "").strip())
    return service_request


def service_request_assign(*, request_id, professional, actor) -> ServiceRequest:
    """An admin gives the open request to a professional of its service (``professional`` is
    a user or a user id). The professional need not be in the area, nor to have accepted."""
    ensure_active(actor)
    with transaction.atomic():
        service_request = service_request_lock(request_id=request_id, visible_to=actor)
        if not actor.is_admin:
            raise NotAllowed("Only admins may assign requests.")
        _ensure_state(service_request, Action.ASSIGN)
        professional = validation.assignable_professional(professional, service_request)
        held = schedule.hold_for(service_request=service_request, professional=professional)
        service_request.professional = professional
        _move(
            service_request,
            Action.ASSIGN,
            actor,
            note=f"Assigned to {professional.full_name} (#{professional.pk}).",
            stamp="assigned_at",
            extra_fields=["professional", *held],
        )
        on_commit_robust(emails.notify_assigned, service_request.pk)
    return service_request


# --- The assigned professional does the job -----------------------------------------------


def _professional_step(request_id, professional, action, stamp, *, validate=None, notify=None):
    ensure_active(professional)
    with transaction.atomic():
        service_request = service_request_lock(request_id=request_id, visible_to=professional)
        _ensure_assigned_professional(professional, service_request)
        _ensure_state(service_request, action)
        extra_fields = validate(service_request) if validate else ()
        _move(service_request, action, professional, stamp=stamp, extra_fields=extra_fields)
        if notify:
            on_commit_robust(notify, service_request.pk)
    return service_request


def service_request_start(*, request_id, professional) -> ServiceRequest:
    """The assigned professional sets off towards the customer."""
    return _professional_step(request_id, professional, Action.START, "started_at")


def service_request_arrive(*, request_id, professional) -> ServiceRequest:
    """The assigned professional is at the address or the position."""
    return _professional_step(request_id, professional, Action.ARRIVE, "arrived_at")


def service_request_complete(*, request_id, professional, final_price) -> ServiceRequest:
    """The assigned professional finishes the job and states the price charged."""

    def set_final_price(service_request):
        service_request.final_price = validation.clean_final_price(final_price, service_request.service)
        return ["final_price"]

    return _professional_step(
        request_id,
        professional,
        Action.COMPLETE,
        "completed_at",
        validate=set_final_price,
        notify=emails.notify_completed,
    )


# --- The customer or an admin ends it -----------------------------------------------------


def service_request_close(*, request_id, actor) -> ServiceRequest:
    """The customer (or an admin) confirms the completed job; it may then be reviewed."""
    ensure_active(actor)
    with transaction.atomic():
        service_request = service_request_lock(request_id=request_id, visible_to=actor)
        _ensure_owner_or_admin(actor, service_request, "close")
        _ensure_state(service_request, Action.CLOSE)
        return _move(service_request, Action.CLOSE, actor, stamp="closed_at")


def service_request_cancel(*, request_id, actor, reason="") -> ServiceRequest:
    """The customer or an admin calls the request off before the professional is on site."""
    ensure_active(actor)
    with transaction.atomic():
        service_request = service_request_lock(request_id=request_id, visible_to=actor)
        _ensure_owner_or_admin(actor, service_request, "cancel")
        _ensure_state(service_request, Action.CANCEL)
        errors: dict[str, list[str]] = {}
        reason = validation.check_text(reason, "reason", errors, max_length=CANCEL_REASON_MAX_LENGTH)
        raise_if_invalid(errors)
        if not reason:
            reason = "Cancelled by an admin." if actor.is_admin else "Cancelled by the customer."
        service_request.cancel_reason = reason
        terms = cancellation.terms_for(service_request)
        service_request.cancellation_fee = terms.fee
        _move(
            service_request,
            Action.CANCEL,
            actor,
            note=reason,
            stamp="cancelled_at",
            extra_fields=["cancel_reason", "cancellation_fee"],
        )
        on_commit_robust(emails.notify_cancelled, service_request.pk, actor_id=actor.pk)
    return service_request
