"""The start code: four digits every request carries, shown to its customer only, that the
professional must be told on arrival (``arrive`` needs it). It proves they are at the right car
with the right person. A wrong code is a 400; after START_CODE_MAX_ATTEMPTS wrong codes
``arrive`` is locked for the request (409 ``start_code_locked``) until an admin resets it, so
the code cannot be guessed in the 10,000 tries it would take.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext

from householdsvc.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from requests_app.models import Action, RequestEvent, ServiceRequest, Status


class WrongStartCode(ValidationFailed):
    code = "wrong_start_code"


def check(service_request: ServiceRequest, start_code) -> tuple[str, ...]:
    """On the locked request, before it moves to on_site: raise unless the code is right."""
    if service_request.start_code_failures >= settings.START_CODE_MAX_ATTEMPTS:
        raise Conflict(
            gettext("Too many wrong start codes: an admin must unlock arriving for this request."),
            code="start_code_locked",
        )
    given = str(start_code or "").strip()
    if not secrets.compare_digest(given, service_request.start_code):
        raise WrongStartCode(
            gettext("That is not the customer's start code."),
            errors={"start_code": [gettext("Ask the customer for the 4-digit code on their request page.")]},
        )
    return ()


def record_failure(*, request_id) -> None:
    """Count a wrong code, in its own transaction (the refused arrive rolled back); the attempt
    that locks arriving is written to the trail."""
    with transaction.atomic():
        ServiceRequest.objects.filter(pk=request_id, status=Status.EN_ROUTE).update(
            start_code_failures=F("start_code_failures") + 1
        )
        service_request = ServiceRequest.objects.filter(pk=request_id).first()
        if (
            service_request is not None
            and service_request.start_code_failures == settings.START_CODE_MAX_ATTEMPTS
        ):
            RequestEvent.objects.create(
                request=service_request,
                action=Action.START_CODE,
                from_status=service_request.status,
                to_status=service_request.status,
                note=f"Arriving locked after {settings.START_CODE_MAX_ATTEMPTS} wrong start codes.",
            )


def start_code_reset(*, request_id, actor) -> ServiceRequest:
    """An admin unlocks arriving: the count of wrong codes starts again from zero."""
    if not actor.is_admin:
        raise NotAllowed(gettext("Only admins may unlock the start code."))
    with transaction.atomic():
        service_request = ServiceRequest.objects.select_for_update().filter(pk=request_id).first()
        if service_request is None:
            raise NotFound(gettext("No such service request."))
        if service_request.start_code_failures:
            service_request.start_code_failures = 0
            service_request.save(update_fields=["start_code_failures", "updated_at"])
            RequestEvent.objects.create(
                request=service_request,
                action=Action.START_CODE,
                from_status=service_request.status,
                to_status=service_request.status,
                actor=actor,
                note="Start code attempts reset.",
            )
    return service_request


def start_code_for(*, user, service_request: ServiceRequest) -> str:
    """The code, for the request's customer only (everyone else: 404, as if there were none)."""
    if not (user.is_authenticated and user.is_active and service_request.customer_id == user.pk):
        raise NotFound(gettext("No start code for you here."))
    return service_request.start_code
