"""The customer moves a household booking to another free slot, until
RESCHEDULE_CUTOFF_HOURS before it. A booking nobody holds yet just moves; one a professional
holds stays with them when they are free at the new time, and otherwise goes back to
``requested`` to be offered anew. Every move is an event in the trail, and the professional
who held it hears of it by email. A time the professional proposed that still waits for the
customer is withdrawn by the move (an event too, and said in the email)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from householdsvc.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationFailed
from householdsvc.core.transactions import on_commit_robust
from requests_app import offers
from requests_app.models import Action, RequestEvent, ServiceRequest, Status
from requests_app.schedule import services as schedule
from requests_app.schedule import slots
from requests_app.schedule.models import ProposalStatus, TimeProposal
from requests_app.services import service_request_lock

RESCHEDULABLE = (Status.REQUESTED, Status.ASSIGNED)


def _notify_professional(professional_id, request_id, text) -> None:
    professional = get_user_model().objects.filter(pk=professional_id).first()
    if professional is not None and professional.email:
        send_mail(f"Job #{request_id} was moved", text, None, [professional.email])


def _notify_customer(customer_id, request_id, text) -> None:
    customer = get_user_model().objects.filter(pk=customer_id).first()
    if customer is not None and customer.email:
        send_mail(f"Your booking #{request_id} was moved", text, None, [customer.email])


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _withdraw_proposal(service_request: ServiceRequest, actor) -> TimeProposal | None:
    """The customer moved the booking themselves: a time the professional proposed and that
    still waits is withdrawn (answering it is then a 409), with an event in the trail."""
    proposal = (
        TimeProposal.objects.select_for_update()
        .filter(request=service_request, status=ProposalStatus.PENDING)
        .first()
    )
    if proposal is None:
        return None
    proposal.status, proposal.decided_at = ProposalStatus.WITHDRAWN, timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    RequestEvent.objects.create(
        request=service_request,
        action=Action.EDIT,
        from_status=service_request.status,
        to_status=service_request.status,
        actor=actor,
        note=f"Withdrew the proposed time {_local(proposal.scheduled_for)}: the booking was moved.",
    )
    return proposal


def service_request_reschedule(*, request_id, actor, scheduled_for) -> ServiceRequest:
    if not actor.is_active:
        raise NotAllowed("This account is blocked.", code="account_blocked")
    errors: dict[str, list[str]] = {}
    if scheduled_for is None:
        errors["scheduled_for"] = ["Choose the new time."]
    else:
        if timezone.is_naive(scheduled_for):
            scheduled_for = timezone.make_aware(scheduled_for)
        schedule.check_slot_time(scheduled_for, errors)
    with transaction.atomic():
        service_request = service_request_lock(request_id=request_id, visible_to=actor)
        if service_request.customer_id != actor.pk and not actor.is_admin:
            raise NotAllowed("Only the customer who booked it, or an admin, may move this booking.")
        if service_request.service.is_dispatch or service_request.status not in RESCHEDULABLE:
            raise InvalidTransition(f"Cannot move this request: it is {service_request.status}.")
        if errors:
            raise ValidationFailed("Invalid input.", errors=errors)
        current = service_request.scheduled_for
        cutoff = timedelta(hours=settings.RESCHEDULE_CUTOFF_HOURS)
        if current is not None and current - timezone.now() < cutoff:
            raise Conflict(
                f"A booking can be moved until {settings.RESCHEDULE_CUTOFF_HOURS} hours before it.",
                code="reschedule_too_late",
            )
        if scheduled_for == current:
            return service_request
        duration = timedelta(minutes=service_request.service.time_required_minutes)
        professional_id = service_request.professional_id
        from_status = service_request.status
        if professional_id is not None:
            # As in hold_for: one change of this professional's held time at a time.
            get_user_model().objects.select_for_update().filter(pk=professional_id).first()
        kept = professional_id is not None and slots.is_free(
            professional_id,
            start=scheduled_for,
            end=scheduled_for + duration,
            exclude_request_id=service_request.pk,
        )
        if not kept:
            schedule.ensure_bookable(
                service=service_request.service,
                pin_code=service_request.pin_code,
                start=scheduled_for,
                exclude_request_id=service_request.pk,
            )
        service_request.scheduled_for = scheduled_for
        fields = ["scheduled_for", "updated_at"]
        if kept:
            service_request.busy_from, service_request.busy_until = scheduled_for, scheduled_for + duration
            note = "Moved; the same professional keeps it."
        elif professional_id is not None:
            service_request.status = Status.REQUESTED
            service_request.professional = None
            service_request.busy_from = service_request.busy_until = None
            service_request.assigned_at = None
            note = "Moved; the professional is not free then, so it is offered anew."
        else:
            note = "Moved."
        fields += ["busy_from", "busy_until", "status", "professional", "assigned_at"]
        service_request.save(update_fields=fields)
        when = timezone.localtime(scheduled_for).strftime("%Y-%m-%d %H:%M")
        RequestEvent.objects.create(
            request=service_request,
            action=Action.EDIT,
            from_status=from_status,
            to_status=service_request.status,
            actor=actor,
            note=f"Rescheduled to {when}. {note}",
        )
        withdrawn = _withdraw_proposal(service_request, actor)
        to_professional = note
        if withdrawn is not None:
            to_professional += f" The time you proposed ({_local(withdrawn.scheduled_for)}) is withdrawn."
        if service_request.status == Status.REQUESTED and not kept:
            offers.offers_redispatch(service_request=service_request)
        mover = "The customer" if actor.pk == service_request.customer_id else "An admin"
        if actor.pk != service_request.customer_id:
            # An admin moved it: the customer is the other side too.
            on_commit_robust(
                _notify_customer,
                service_request.customer_id,
                service_request.pk,
                f"Your booking #{service_request.pk} was moved to {when}. {note}",
            )
        if professional_id is not None:
            on_commit_robust(
                _notify_professional,
                professional_id,
                service_request.pk,
                f"{mover} moved job #{service_request.pk} to {when}. {to_professional}",
            )
    return service_request
