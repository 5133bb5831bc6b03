"""Emails about a request, sent through Django's email backend after the change committed.

Who hears what: the customer when their request is accepted or assigned, completed, or
cancelled by somebody else (not when they cancelled it themselves); the professional when an
admin assigns them a job, and when a job of theirs is cancelled. Each function takes the
request's id and reads it afresh, so it can also run later from a task.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from requests_app.models import ServiceRequest

logger = logging.getLogger(__name__)

TEMPLATE_DIR = "emails/requests_app"


def _load(request_id) -> ServiceRequest:
    return ServiceRequest.objects.select_related("service", "customer", "professional").get(pk=request_id)


def _send(template: str, subject, recipient, service_request: ServiceRequest, **context) -> None:
    if recipient is None or not recipient.email:
        return
    context = {"service_request": service_request, "recipient": recipient, **context}
    # In the recipient's own language (their profile's), whoever's request sent it.
    with translation.override(getattr(recipient, "language", "") or settings.LANGUAGE_CODE):
        text = render_to_string(f"{TEMPLATE_DIR}/{template}.txt", context)
        html = render_to_string(f"{TEMPLATE_DIR}/{template}.html", context)
        subject = str(subject) % {"pk": service_request.pk}
    message = EmailMultiAlternatives(subject=subject, body=text, to=[recipient.email])
    message.attach_alternative(html, "text/html")
    message.send()


def notify_accepted(request_id) -> None:
    """The customer learns who is coming."""
    service_request = _load(request_id)
    _send(
        "request_accepted",
        _("Your request #%(pk)s has been accepted"),
        service_request.customer,
        service_request,
    )


def notify_assigned(request_id) -> None:
    """An admin gave the job to a professional: both the customer and the professional hear."""
    notify_accepted(request_id)
    service_request = _load(request_id)
    _send(
        "job_assigned",
        _("You have been assigned request #%(pk)s"),
        service_request.professional,
        service_request,
    )


def notify_completed(request_id) -> None:
    service_request = _load(request_id)
    _send(
        "request_completed",
        _("Your request #%(pk)s is completed"),
        service_request.customer,
        service_request,
    )


def notify_cancelled(request_id, *, actor_id=None) -> None:
    """The customer (unless they cancelled it themselves) and the professional, if any."""
    service_request = _load(request_id)
    subject = _("Request #%(pk)s has been cancelled")
    if service_request.customer_id != actor_id:
        _send("request_cancelled", subject, service_request.customer, service_request)
    if service_request.professional_id and service_request.professional_id != actor_id:
        _send("job_cancelled", subject, service_request.professional, service_request)
