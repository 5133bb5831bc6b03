"""Who hears of a change to a request, and in what words: every transition tells the other
side (never the actor) through ``accounts.notifications.notify``, once per event, by the
channels each of them chose. Called by ``services.guards.move`` inside the transition's transaction.

| action   | told                                  | e-mail template         |
|----------|---------------------------------------|-------------------------|
| accept   | the customer                          | request_accepted        |
| assign   | the customer; the professional        | request_accepted; job_assigned |
| start    | the customer (on the way)             | —                       |
| arrive   | the customer (on site)                | —                       |
| complete | the customer                          | request_completed       |
| close    | the professional (both if by itself)  | —                       |
| cancel   | the customer; the professional if any | request_cancelled; job_cancelled |
| reject   | nobody (the request stays open to others) |                     |

A release tells the customer (template request_released). Dispatch adds two more, outside
the transitions: each professional offered a request
(``offers_notify``, kind ``offer``) and the customer of a request nobody could be found for
(``unmatched_notify``).
"""

from django.conf import settings
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import NotificationKind
from accounts.notifications import notify
from requests_app import emails
from requests_app.models import Action, Offer, ServiceRequest


def _who_hears(service_request, action) -> list[tuple]:
    """(recipient, title, body, e-mail template or None) for each side told of the action. The
    words are lazy: ``notify`` renders them in each recipient's own language."""
    number = f"#{service_request.pk}"
    customer, professional = service_request.customer, service_request.professional
    pro_name = professional.full_name if professional else ""
    service_name = service_request.service.name
    if action == Action.ACCEPT:
        return [
            (
                customer,
                format_lazy(_("Your request {number} has been accepted"), number=number),
                format_lazy(_("{name} will do it."), name=pro_name),
                "request_accepted",
            )
        ]
    if action == Action.ASSIGN:
        return [
            (
                customer,
                format_lazy(_("Your request {number} has been accepted"), number=number),
                format_lazy(_("{name} will do it."), name=pro_name),
                "request_accepted",
            ),
            (
                professional,
                format_lazy(_("You have been assigned request {number}"), number=number),
                f"{service_name}.",
                "job_assigned",
            ),
        ]
    if action == Action.START:
        return [
            (
                customer,
                format_lazy(_("Request {number}: {name} is on the way"), number=number, name=pro_name),
                _("Follow them on the request page."),
                None,
            )
        ]
    if action == Action.ARRIVE:
        return [
            (
                customer,
                format_lazy(_("Request {number}: {name} has arrived"), number=number, name=pro_name),
                _("The job is starting."),
                None,
            )
        ]
    if action == Action.COMPLETE:
        body = format_lazy(_("Final price: {price}."), price=service_request.final_price)
        return [
            (
                customer,
                format_lazy(_("Your request {number} is completed"), number=number),
                body,
                "request_completed",
            )
        ]
    if action == Action.CLOSE and getattr(service_request, "closed_automatically", False):
        body = format_lazy(
            _("It closed by itself {days} days after completion."), days=settings.CLOSE_AFTER_DAYS
        )
        return [
            (customer, format_lazy(_("Your request {number} is closed"), number=number), body, None),
            (professional, format_lazy(_("Request {number} is closed"), number=number), body, None),
        ]
    if action == Action.CLOSE:
        return [
            (
                professional,
                format_lazy(_("Request {number} is closed"), number=number),
                _("The customer confirmed the job."),
                None,
            )
        ]
    if action == Action.RELEASE:
        return [
            (
                customer,
                format_lazy(_("Your request {number} is looking for a new professional"), number=number),
                _("The professional gave the job back; it is being offered anew."),
                "request_released",
            )
        ]
    if action == Action.CANCEL:
        title = format_lazy(_("Request {number} has been cancelled"), number=number)
        body = service_request.cancel_reason or ""
        return [(customer, title, body, "request_cancelled"), (professional, title, body, "job_cancelled")]
    return []


def transition_notify(*, service_request, event) -> None:
    url = reverse("requests_app:detail", args=[service_request.pk])
    for recipient, title, body, template in _who_hears(service_request, event.action):
        if recipient is None or recipient.pk == event.actor_id:
            continue
        email_text, email_html = emails.render(template, recipient, service_request) if template else ("", "")
        notify(
            recipient=recipient,
            kind=NotificationKind.REQUEST_STATUS,
            key=f"request:{service_request.pk}:event:{event.pk}",
            title=title,
            body=body,
            request_id=service_request.pk,
            url=url,
            email_text=email_text,
            email_html=email_html,
        )


def offers_notify(offer_ids) -> None:
    """Each professional offered a request hears of it (the live socket is the fast path)."""
    for offer in Offer.objects.filter(pk__in=offer_ids).select_related(
        "request__service", "request__customer", "professional"
    ):
        service_request = offer.request
        email_text, email_html = emails.render(
            "job_offered", offer.professional, service_request, offer=offer
        )
        notify(
            recipient=offer.professional,
            kind=NotificationKind.OFFER,
            key=f"offer:{offer.pk}",
            title=format_lazy(_("New job offered: request #{number}"), number=service_request.pk),
            body=f"{service_request.service.name}.",
            request_id=service_request.pk,
            url=reverse("requests_app:offers"),
            email_text=email_text,
            email_html=email_html,
        )


def unmatched_notify(request_id) -> None:
    """The customer learns that nobody could be found yet and that the team is on it."""
    service_request = ServiceRequest.objects.select_related("service", "customer").get(pk=request_id)
    customer = service_request.customer
    email_text, email_html = emails.render("request_unmatched", customer, service_request)
    notify(
        recipient=customer,
        kind=NotificationKind.REQUEST_STATUS,
        key=f"request:{service_request.pk}:unmatched:{service_request.unmatched_at:%Y%m%dT%H%M%S}",
        title=format_lazy(
            _("We are still looking for someone for request #{number}"), number=service_request.pk
        ),
        body=_("Our team has been told and will find a professional for you."),
        request_id=service_request.pk,
        url=reverse("requests_app:detail", args=[service_request.pk]),
        email_text=email_text,
        email_html=email_html,
    )


def time_proposed_notify(request_id, proposal_id) -> None:
    """The professional asks to move the booking: the customer may accept or decline."""
    service_request = ServiceRequest.objects.select_related("service", "customer").get(pk=request_id)
    proposal = service_request.proposals.get(pk=proposal_id)
    customer = service_request.customer
    email_text, email_html = emails.render("time_proposed", customer, service_request, proposal=proposal)
    notify(
        recipient=customer,
        kind=NotificationKind.RESCHEDULE,
        key=f"proposal:{proposal.pk}:made",
        title=format_lazy(
            _("Your professional proposes another time for request #{number}"), number=service_request.pk
        ),
        request_id=service_request.pk,
        url=reverse("requests_app:detail", args=[service_request.pk]),
        email_text=email_text,
        email_html=email_html,
    )


def proposal_answered_notify(request_id, proposal_id) -> None:
    """The customer accepted or declined the professional's proposed time."""
    service_request = ServiceRequest.objects.select_related("service").get(pk=request_id)
    proposal = service_request.proposals.select_related("proposed_by").get(pk=proposal_id)
    professional = proposal.proposed_by
    email_text, email_html = emails.render(
        "proposal_answered", professional, service_request, proposal=proposal
    )
    notify(
        recipient=professional,
        kind=NotificationKind.RESCHEDULE,
        key=f"proposal:{proposal.pk}:{proposal.status}",
        title=format_lazy(
            _("The customer accepted the new time for request #{number}")
            if proposal.status == "accepted"
            else _("The customer declined the new time for request #{number}"),
            number=service_request.pk,
        ),
        request_id=service_request.pk,
        url=reverse("requests_app:detail", args=[service_request.pk]),
        email_text=email_text,
        email_html=email_html,
    )


def price_notify(*, service_request, event) -> None:
    """A step of a price change (proposed, approved, declined, settled): the customer and the
    professional hear of it, except whoever took the step."""
    url = reverse("requests_app:detail", args=[service_request.pk])
    for recipient in (service_request.customer, service_request.professional):
        if recipient is None or recipient.pk == event.actor_id:
            continue
        notify(
            recipient=recipient,
            kind=NotificationKind.PRICE_CHANGE,
            key=f"request:{service_request.pk}:event:{event.pk}",
            title=format_lazy(_("Price update on request #{number}"), number=service_request.pk),
            body=event.note,
            request_id=service_request.pk,
            url=url,
        )


def payment_notify(*, service_request, attempt) -> None:
    """A request is paid (card or cash): its professional hears. The customer paid it themselves
    and gets the receipt by e-mail (money.receipts), so they are not told twice."""
    professional = service_request.professional
    if professional is None:
        return
    amount = f"{attempt.price} {settings.CURRENCY}"
    notify(
        recipient=professional,
        kind=NotificationKind.PAYMENT,
        key=f"request:{service_request.pk}:paid:{attempt.pk}",
        title=format_lazy(
            _("Request #{number} is paid ({amount})"), number=service_request.pk, amount=amount
        ),
        body=format_lazy(_("Paid {amount}; your earnings are credited."), amount=amount),
        request_id=service_request.pk,
        url=reverse("requests_app:detail", args=[service_request.pk]),
    )
