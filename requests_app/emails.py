"""Emails about a request, sent through Django's email backend after the change committed.

Who hears what: the customer when their request is accepted or assigned, completed, or
cancelled by somebody else (not when they cancelled it themselves); the professional when an
admin assigns them a job, and when a job of theirs is cancelled. Each function takes the
request's id and reads it afresh, so it can also run later from a task.
"""

import logging

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from requests_app.models import ServiceRequest

logger = logging.getLogger(__name__)

TEMPLATE_DIR = "emails/requests_app"


def _load(request_id) -> ServiceRequest:
    return ServiceRequest.objects.select_related("service", "customer", "professional").get(pk=request_id)


def _send(template: str, subject: str, recipient, service_request: ServiceRequest, **context) -> None:
    if recipient is None or not recipient.email:
        return
    context = {"service_request": service_request, "recipient": recipient, **context}
    text = render_to_string(f"{TEMPLATE_DIR}/{template}.txt", context)
    html = render_to_string(f"{TEMPLATE_DIR}/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[recipient.email])
    message.attach_alternative(html, "text/html")
    message.send()


def notify_accepted(request_id) -> None:
    """The customer learns who is coming."""
    service_request = _load(request_id)
    _send(
        "request_accepted",
        f"Your request #{service_request.pk} has been accepted",
        service_request.customer,
        service_request,
    )


def notify_assigned(request_id) -> None:
    """An admin gave the job to a professional: both the customer and the professional hear."""
    notify_accepted(request_id)
    service_request = _load(request_id)
    _send(
        "job_assigned",
        f"You have been assigned request #{service_request.pk}",
        service_request.professional,
        service_request,
    )


def notify_completed(request_id) -> None:
    service_request = _load(request_id)
    _send(
        "request_completed",
        f"Your request #{service_request.pk} is completed",
        service_request.customer,
        service_request,
    )


def notify_cancelled(request_id, *, actor_id=None) -> None:
    """The customer (unless they cancelled it themselves) and the professional, if any."""
    service_request = _load(request_id)
    subject = f"Request #{service_request.pk} has been cancelled"
    if service_request.customer_id != actor_id:
        _send("request_cancelled", subject, service_request.customer, service_request)
    if service_request.professional_id and service_request.professional_id != actor_id:
        _send("job_cancelled", subject, service_request.professional, service_request)


def notify_released(request_id) -> None:
    """The professional gave the job back: the customer hears it is being offered anew."""
    service_request = _load(request_id)
    _send(
        "request_released",
        f"Your request #{service_request.pk} is looking for a new professional",
        service_request.customer,
        service_request,
    )


def notify_time_proposed(request_id, proposal_id) -> None:
    """The professional asks to move the booking: the customer may accept or decline."""
    service_request = _load(request_id)
    proposal = service_request.proposals.get(pk=proposal_id)
    subject = f"Your professional proposes another time for request #{service_request.pk}"
    _send("time_proposed", subject, service_request.customer, service_request, proposal=proposal)


def notify_proposal_answered(request_id, proposal_id) -> None:
    """The customer accepted or declined the professional's proposed time."""
    service_request = _load(request_id)
    proposal = service_request.proposals.get(pk=proposal_id)
    subject = f"The customer {proposal.status} the new time for request #{service_request.pk}"
    _send("proposal_answered", subject, proposal.proposed_by, service_request, proposal=proposal)


def notify_offered(offer_ids) -> None:
    """Each professional offered a request hears of it (the live socket is the fast path)."""
    from requests_app.models import Offer

    for offer in Offer.objects.filter(pk__in=offer_ids).select_related("request__service", "professional"):
        _send(
            "job_offered",
            f"New job offered: request #{offer.request_id}",
            offer.professional,
            offer.request,
            offer=offer,
        )


def notify_unmatched(request_id) -> None:
    """The customer learns that nobody could be found yet and that the team is on it."""
    service_request = _load(request_id)
    _send(
        "request_unmatched",
        f"We are still looking for someone for request #{service_request.pk}",
        service_request.customer,
        service_request,
    )
