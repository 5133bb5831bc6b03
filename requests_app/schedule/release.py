"""The assigned professional gives a job back before setting off (DESIGN: assigned
──release──▶ requested). The job goes back to ``requested`` to be offered anew, to everybody but
the professional who released it (they are recorded as having turned it down). Its hold on their
time ends. A release within LATE_RELEASE_HOURS of the slot (and any release of a roadside job,
which is wanted now) is counted on the professional's profile, which admins see; the customer
hears of it by email."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import ProfessionalProfile
from accounts.validation import ensure_active
from householdsvc.core.errors import ValidationFailed
from requests_app import offers, validation
from requests_app.models import Action, ServiceRequest
from requests_app.schedule.models import ProposalStatus, TimeProposal
from requests_app.services.guards import (
    ensure_assigned_professional,
    ensure_state,
    move,
    service_request_lock,
)
from requests_app.validation import CANCEL_REASON_MAX_LENGTH


def is_late(service_request: ServiceRequest, now=None) -> bool:
    """Whether giving the job back now leaves too little time to find somebody else."""
    start = service_request.scheduled_for
    if start is None or service_request.service.is_dispatch:
        return True
    now = now or timezone.now()
    return start - now < timedelta(hours=settings.LATE_RELEASE_HOURS)


def service_request_release(*, request_id, professional, note="") -> ServiceRequest:
    ensure_active(professional)
    with transaction.atomic():
        service_request = service_request_lock(request_id=request_id, visible_to=professional)
        ensure_assigned_professional(professional, service_request)
        ensure_state(service_request, Action.RELEASE)
        errors: dict[str, list[str]] = {}
        note = validation.check_text(note, "note", errors, max_length=CANCEL_REASON_MAX_LENGTH)
        if errors:
            raise ValidationFailed(gettext("Invalid input."), errors=errors)
        late = is_late(service_request)
        service_request.professional = None
        service_request.busy_from = service_request.busy_until = None
        service_request.assigned_at = None
        service_request.rejected_by.add(professional)
        # A time they proposed no longer applies: the job is not theirs any more.
        TimeProposal.objects.filter(request=service_request, status=ProposalStatus.PENDING).update(
            status=ProposalStatus.WITHDRAWN, decided_at=timezone.now()
        )
        text = "Released late: " if late else "Released: "
        move(
            service_request,
            Action.RELEASE,
            professional,
            note=text + (note or "no reason given."),
            extra_fields=["professional", "busy_from", "busy_until", "assigned_at"],
        )
        offers.offers_redispatch(service_request=service_request)
        if late:
            ProfessionalProfile.objects.filter(user_id=professional.pk).update(
                late_releases=F("late_releases") + 1
            )
    return service_request
