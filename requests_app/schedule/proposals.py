"""The assigned professional proposes another time for a booking; the customer accepts it (the
booking moves and stays with them) or declines it (it stays as it was). A new proposal replaces
one still waiting. Each step is an event in the trail and an email to the other side."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.validation import ensure_active
from householdsvc.core.errors import Conflict, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from householdsvc.core.transactions import on_commit_robust
from requests_app import notifications, validation
from requests_app.models import Action, RequestEvent, ServiceRequest, Status
from requests_app.schedule import services as schedule
from requests_app.schedule import slots
from requests_app.schedule.models import ProposalStatus, TimeProposal
from requests_app.services import service_request_lock
from requests_app.status_words import status_word

NOTE_MAX_LENGTH = TimeProposal._meta.get_field("note").max_length


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _event(service_request: ServiceRequest, actor, note: str) -> None:
    RequestEvent.objects.create(
        request=service_request,
        action=Action.EDIT,
        from_status=service_request.status,
        to_status=service_request.status,
        actor=actor,
        note=note,
    )


def pending_for(service_request: ServiceRequest) -> TimeProposal | None:
    return service_request.proposals.filter(status=ProposalStatus.PENDING).first()


def _lock_pending(service_request: ServiceRequest) -> TimeProposal:
    proposal = (
        TimeProposal.objects.select_for_update()
        .filter(request=service_request, status=ProposalStatus.PENDING)
        .first()
    )
    if proposal is None:
        latest = TimeProposal.objects.filter(request=service_request).order_by("-created_at", "-id").first()
        if latest is not None and latest.status == ProposalStatus.WITHDRAWN:
            raise Conflict(
                gettext("The proposed time was withdrawn: the booking was moved or a new time proposed."),
                code="proposal_withdrawn",
            )
        raise NotFound(gettext("No proposed time waits for an answer on this request."))
    return proposal


def _ensure_free(professional_id, service_request: ServiceRequest, start) -> None:
    end = start + timedelta(minutes=service_request.service.time_required_minutes)
    # As in hold_for: one change of this professional's held time at a time.
    get_user_model().objects.select_for_update().filter(pk=professional_id).first()
    if not slots.is_free(professional_id, start=start, end=end, exclude_request_id=service_request.pk):
        raise Conflict(gettext("The professional is not free at that time."), code="professional_busy")


def time_propose(*, request_id, professional, scheduled_for, note="") -> TimeProposal:
    """The assigned professional of a household booking asks to move it to ``scheduled_for``,
    a slot at which they are free."""
    ensure_active(professional)
    with transaction.atomic():
        service_request = service_request_lock(request_id=request_id, visible_to=professional)
        if service_request.professional_id != professional.pk:
            raise NotAllowed(
                gettext("Only the professional assigned to this booking may propose another time.")
            )
        if service_request.service.is_dispatch or service_request.status != Status.ASSIGNED:
            raise InvalidTransition(
                gettext("Cannot propose another time: the request is %(status)s.")
                % {"status": status_word(service_request.status)}
            )
        errors: dict[str, list[str]] = {}
        if scheduled_for is None:
            errors["scheduled_for"] = [gettext("Choose the new time.")]
        else:
            if timezone.is_naive(scheduled_for):
                scheduled_for = timezone.make_aware(scheduled_for)
            schedule.check_slot_time(scheduled_for, errors)
            if not errors and scheduled_for == service_request.scheduled_for:
                errors["scheduled_for"] = [gettext("That is the booking's time already.")]
        note = validation.check_text(note, "note", errors, max_length=NOTE_MAX_LENGTH)
        if errors:
            raise ValidationFailed(gettext("Invalid input."), errors=errors)
        _ensure_free(professional.pk, service_request, scheduled_for)
        TimeProposal.objects.filter(request=service_request, status=ProposalStatus.PENDING).update(
            status=ProposalStatus.WITHDRAWN, decided_at=timezone.now()
        )
        proposal = TimeProposal.objects.create(
            request=service_request, proposed_by=professional, scheduled_for=scheduled_for, note=note
        )
        _event(service_request, professional, f"Proposed moving it to {_when(scheduled_for)}.")
        on_commit_robust(notifications.time_proposed_notify, service_request.pk, proposal.pk)
    return proposal


def _answer(request_id, customer):
    ensure_active(customer)
    service_request = service_request_lock(request_id=request_id, visible_to=customer)
    if service_request.customer_id != customer.pk:
        raise NotAllowed(gettext("Only the customer who booked it may answer a proposed time."))
    return service_request, _lock_pending(service_request)


def time_proposal_accept(*, request_id, customer) -> ServiceRequest:
    """The customer takes the proposed time: the booking moves there, kept with the professional."""
    with transaction.atomic():
        service_request, proposal = _answer(request_id, customer)
        if (
            service_request.status != Status.ASSIGNED
            or service_request.professional_id != proposal.proposed_by_id
        ):
            raise InvalidTransition(gettext("The proposal no longer applies: the booking changed meanwhile."))
        if proposal.scheduled_for <= timezone.now():
            raise Conflict(gettext("The proposed time has passed."), code="proposal_expired")
        _ensure_free(service_request.professional_id, service_request, proposal.scheduled_for)
        duration = timedelta(minutes=service_request.service.time_required_minutes)
        service_request.scheduled_for = proposal.scheduled_for
        service_request.busy_from = proposal.scheduled_for
        service_request.busy_until = proposal.scheduled_for + duration
        service_request.save(update_fields=["scheduled_for", "busy_from", "busy_until", "updated_at"])
        proposal.status, proposal.decided_at = ProposalStatus.ACCEPTED, timezone.now()
        proposal.save(update_fields=["status", "decided_at"])
        _event(
            service_request,
            customer,
            f"Accepted the proposed time: rescheduled to {_when(proposal.scheduled_for)}.",
        )
        on_commit_robust(notifications.proposal_answered_notify, service_request.pk, proposal.pk)
    return service_request


def time_proposal_decline(*, request_id, customer) -> ServiceRequest:
    """The customer keeps the booked time."""
    with transaction.atomic():
        service_request, proposal = _answer(request_id, customer)
        proposal.status, proposal.decided_at = ProposalStatus.DECLINED, timezone.now()
        proposal.save(update_fields=["status", "decided_at"])
        _event(service_request, customer, f"Declined the proposed time {_when(proposal.scheduled_for)}.")
        on_commit_robust(notifications.proposal_answered_notify, service_request.pk, proposal.pk)
    return service_request
