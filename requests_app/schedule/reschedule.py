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
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.language import language_of
from householdsvc.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationFailed
from householdsvc.core.transactions import on_commit_robust
from requests_app import offers
from requests_app.models import Action, RequestEvent, ServiceRequest, Status
from requests_app.schedule import services as schedule
from requests_app.schedule import slots
from requests_app.schedule.models import ProposalStatus, TimeProposal
from requests_app.services import service_request_lock
from requests_app.status_words import status_word

RESCHEDULABLE = (Status.REQUESTED, Status.ASSIGNED)


def _notify_professional(professional_id, request_id, text) -> None:
    """``text`` may be lazy: the e-mail is written in the professional's language."""
    professional = get_user_model().objects.filter(pk=professional_id).first()
    if professional is not None and professional.email:
        with translation.override(language_of(professional)):
            subject = _("Job #%(number)s was moved") % {"number": request_id}
            send_mail(subject, str(text), None, [professional.email])


def _notify_customer(customer_id, request_id, text) -> None:
    """``text`` may be lazy: the e-mail is written in the customer's language."""
    customer = get_user_model().objects.filter(pk=customer_id).first()
    if customer is not None and customer.email:
        with translation.override(language_of(customer)):
            subject = _("Your booking #%(number)s was moved") % {"number": request_id}
            send_mail(subject, str(text), None, [customer.email])


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
        raise NotAllowed(gettext("This account is blocked."), code="account_blocked")
    errors: dict[str, list[str]] = {}
    if scheduled_for is None:
        errors["scheduled_for"] = [gettext("Choose the new time.")]
    else:
        if timezone.is_naive(scheduled_for):
            scheduled_for = timezone.make_aware(scheduled_for)
        schedule.check_slot_time(scheduled_for, errors)
    with transaction.atomic():
        service_request = service_request_lock(request_id=request_id, visible_to=actor)
        if service_request.customer_id != actor.pk and not actor.is_admin:
            raise NotAllowed(gettext("Only the customer who booked it, or an admin, may move this booking."))
        if service_request.service.is_dispatch or service_request.status not in RESCHEDULABLE:
            raise InvalidTransition(
                gettext("Cannot move this request: it is %(status)s.")
                % {"status": status_word(service_request.status)}
            )
        if errors:
            raise ValidationFailed(gettext("Invalid input."), errors=errors)
        current = service_request.scheduled_for
        cutoff = timedelta(hours=settings.RESCHEDULE_CUTOFF_HOURS)
        if current is not None and current - timezone.now() < cutoff:
            raise Conflict(
                gettext("A booking can be moved until %(hours)s hours before it.")
                % {"hours": settings.RESCHEDULE_CUTOFF_HOURS},
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
            note = _("Moved; the same professional keeps it.")
        elif professional_id is not None:
            service_request.status = Status.REQUESTED
            service_request.professional = None
            service_request.busy_from = service_request.busy_until = None
            service_request.assigned_at = None
            note = _("Moved; the professional is not free then, so it is offered anew.")
        else:
            note = _("Moved.")
        fields += ["busy_from", "busy_until", "status", "professional", "assigned_at"]
        service_request.save(update_fields=fields)
        when = timezone.localtime(scheduled_for).strftime("%Y-%m-%d %H:%M")
        with translation.override(None):  # the request's history keeps the words as written
            event_note = f"Rescheduled to {when}. {note}"
        RequestEvent.objects.create(
            request=service_request,
            action=Action.EDIT,
            from_status=from_status,
            to_status=service_request.status,
            actor=actor,
            note=event_note,
        )
        withdrawn = _withdraw_proposal(service_request, actor)
        to_professional = note
        if withdrawn is not None:
            to_professional = format_lazy(
                "{} {}",
                note,
                format_lazy(
                    _("The time you proposed ({time}) is withdrawn."), time=_local(withdrawn.scheduled_for)
                ),
            )
        if service_request.status == Status.REQUESTED and not kept:
            offers.offers_redispatch(service_request=service_request)
        by_customer = actor.pk == service_request.customer_id
        if not by_customer:
            # An admin moved it: the customer is the other side too.
            on_commit_robust(
                _notify_customer,
                service_request.customer_id,
                service_request.pk,
                format_lazy(
                    _("Your booking #{number} was moved to {when}. {note}"),
                    number=service_request.pk,
                    when=when,
                    note=note,
                ),
            )
        if professional_id is not None:
            moved = (
                _("The customer moved job #{number} to {when}. {note}")
                if by_customer
                else _("An admin moved job #{number} to {when}. {note}")
            )
            on_commit_robust(
                _notify_professional,
                professional_id,
                service_request.pk,
                format_lazy(moved, number=service_request.pk, when=when, note=to_professional),
            )
    return service_request
