"""One function per transition of the status machine (``requests_app.models.TRANSITIONS``)
after booking: professionals accept, reject and do the job; the customer or an admin closes or
cancels. Each runs in one transaction that locks the request's row and checks, in this order,
that the actor may see it (404), may do this (403) and that its state allows it (409)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from accounts.models import Role
from accounts.passwords import ensure_email_confirmed
from accounts.validation import ensure_active
from householdsvc.core.errors import Conflict, NotAllowed
from householdsvc.core.validation import raise_if_invalid
from requests_app import offers, start_codes, validation
from requests_app.models import (
    Action,
    ServiceRequest,
)
from requests_app.money import pricing
from requests_app.schedule import cancellation
from requests_app.schedule import services as schedule
from requests_app.selectors import has_rejected
from requests_app.services.guards import (
    ensure_assigned_professional,
    ensure_owner_or_admin,
    ensure_state,
    ensure_visible,
    move,
    service_request_lock,
)
from requests_app.validation import CANCEL_REASON_MAX_LENGTH

# --- Professionals take or refuse an offer ------------------------------------------------


def service_request_accept(*, request_id, professional) -> ServiceRequest:
    """A professional holding a live offer for the request takes it (requests_app.offers)."""
    ensure_active(professional)
    with transaction.atomic():
        # The row lock serialises professionals racing for the same request: the second one
        # waits here until the first commits, then finds it assigned and gets a 409.
        service_request = service_request_lock(request_id=request_id)
        ensure_visible(professional, service_request, offer=True)
        if professional.role != Role.PROFESSIONAL:
            raise NotAllowed(gettext("Only professionals may accept requests."))
        ensure_email_confirmed(professional, "take a job")
        if has_rejected(professional, service_request):
            raise NotAllowed(gettext("You turned this request down."))
        ensure_state(service_request, Action.ACCEPT)
        offers.offer_take(service_request=service_request, professional=professional)
        held = schedule.hold_for(service_request=service_request, professional=professional)
        service_request.professional = professional
        move(
            service_request,
            Action.ACCEPT,
            professional,
            stamp="assigned_at",
            extra_fields=["professional", *held],
        )
    return service_request


def service_request_reject(*, request_id, professional, note="") -> ServiceRequest:
    """A professional turns the offer down; it stays open for others and is never offered to
    them again."""
    ensure_active(professional)
    with transaction.atomic():
        service_request = service_request_lock(request_id=request_id)
        ensure_visible(professional, service_request, offer=True)
        if professional.role != Role.PROFESSIONAL:
            raise NotAllowed(gettext("Only a professional this request is offered to may turn it down."))
        ensure_state(service_request, Action.REJECT)
        if has_rejected(professional, service_request):
            raise Conflict(gettext("You have already turned this request down."), code="already_rejected")
        service_request.rejected_by.add(professional)
        move(service_request, Action.REJECT, professional, note=(note or "").strip())
        offers.offer_decline(service_request=service_request, professional=professional)
    return service_request


def service_request_assign(*, request_id, professional, actor) -> ServiceRequest:
    """An admin gives the open request to a professional of its service (``professional`` is
    a user or a user id). The professional need not be in the area, nor to have accepted."""
    ensure_active(actor)
    with transaction.atomic():
        service_request = service_request_lock(request_id=request_id, visible_to=actor)
        if not actor.is_admin:
            raise NotAllowed(gettext("Only admins may assign requests."))
        ensure_state(service_request, Action.ASSIGN)
        professional = validation.assignable_professional(professional, service_request)
        held = schedule.hold_for(service_request=service_request, professional=professional)
        service_request.professional = professional
        move(
            service_request,
            Action.ASSIGN,
            actor,
            note=f"Assigned to {professional.full_name} (#{professional.pk}).",
            stamp="assigned_at",
            extra_fields=["professional", *held],
        )
        offers.offers_assigned(service_request=service_request)
    return service_request


# --- The assigned professional does the job -----------------------------------------------


def _professional_step(request_id, professional, action, stamp, *, validate=None):
    ensure_active(professional)
    with transaction.atomic():
        service_request = service_request_lock(request_id=request_id, visible_to=professional)
        ensure_assigned_professional(professional, service_request)
        ensure_state(service_request, action)
        extra_fields = validate(service_request) if validate else ()
        move(service_request, action, professional, stamp=stamp, extra_fields=extra_fields)
    return service_request


def service_request_start(*, request_id, professional) -> ServiceRequest:
    """The assigned professional sets off towards the customer."""
    return _professional_step(request_id, professional, Action.START, "started_at")


def service_request_arrive(*, request_id, professional, start_code="") -> ServiceRequest:
    """The assigned professional is at the address or the position, and gives the customer's
    start code (requests_app.start_codes): a wrong one is counted, then refused with a 400."""
    try:
        return _professional_step(
            request_id,
            professional,
            Action.ARRIVE,
            "arrived_at",
            validate=lambda service_request: start_codes.check(service_request, start_code),
        )
    except start_codes.WrongStartCode:
        start_codes.record_failure(request_id=request_id)
        raise


def service_request_complete(*, request_id, professional, final_price, price_reason="") -> ServiceRequest:
    """The assigned professional finishes the job and states the price charged; above the
    estimate's tolerance, with the reason, and the customer is asked to approve it."""

    def set_final_price(service_request):
        service_request.final_price = validation.clean_final_price(final_price, service_request.service)
        return ["final_price"]

    with transaction.atomic():
        service_request = _professional_step(
            request_id,
            professional,
            Action.COMPLETE,
            "completed_at",
            validate=set_final_price,
        )
        pricing.price_change_on_complete(
            service_request=service_request, professional=professional, reason=price_reason
        )
    return service_request


# --- The customer or an admin ends it -----------------------------------------------------


def service_request_close(*, request_id, actor) -> ServiceRequest:
    """The customer (or an admin) confirms the completed job; it may then be reviewed."""
    ensure_active(actor)
    with transaction.atomic():
        service_request = service_request_lock(request_id=request_id, visible_to=actor)
        ensure_owner_or_admin(actor, service_request, "close")
        ensure_state(service_request, Action.CLOSE)
        return move(service_request, Action.CLOSE, actor, stamp="closed_at")


def service_request_cancel(*, request_id, actor, reason="") -> ServiceRequest:
    """The customer or an admin calls the request off before the professional is on site."""
    ensure_active(actor)
    with transaction.atomic():
        service_request = service_request_lock(request_id=request_id, visible_to=actor)
        ensure_owner_or_admin(actor, service_request, "cancel")
        ensure_state(service_request, Action.CANCEL)
        errors: dict[str, list[str]] = {}
        reason = validation.check_text(reason, "reason", errors, max_length=CANCEL_REASON_MAX_LENGTH)
        raise_if_invalid(errors)
        if not reason:
            reason = "Cancelled by an admin." if actor.is_admin else "Cancelled by the customer."
        service_request.cancel_reason = reason
        terms = cancellation.terms_for(service_request)
        service_request.cancellation_fee = terms.fee
        move(
            service_request,
            Action.CANCEL,
            actor,
            note=reason,
            stamp="cancelled_at",
            extra_fields=["cancel_reason", "cancellation_fee"],
        )
        if service_request.cancellation_fee:
            # Charged (recorded as due) by requests_app.money.fees, which imports this module.
            from requests_app.money import fees

            fees.cancellation_fee_charge(
                request_id=service_request.pk,
                amount=service_request.cancellation_fee,
                actor=actor,
                note=False,
            )
        offers.offers_withdraw(service_request=service_request)
    return service_request
