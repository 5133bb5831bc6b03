"""The message thread of a request: its customer and its assigned professional write to each
other (the thread is their contact, phones stay hidden); admins read it.

- reading: the request's customer, its professional, admins; anybody else gets a 404, as for
  the request itself; a request nobody is assigned to yet has no thread (409 ``not_assigned``);
- writing: the customer or the professional, while the request is neither closed nor
  cancelled (409 ``thread_closed``); admins read only (403); an empty message or one over
  2,000 characters is a 400 and nothing is written;
- each new message goes live, after commit, to both sides' own sockets (``/ws/me/``, type
  ``chat_message``) and notifies the other side (kind ``message``).
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import NotificationKind
from accounts.notifications import notify, user_group_name
from householdsvc.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from householdsvc.core.transactions import on_commit_robust
from requests_app.models import MESSAGE_MAX_LENGTH, RequestMessage, ServiceRequest, Status

logger = logging.getLogger(__name__)

READ_ONLY_STATUSES = (Status.CLOSED, Status.CANCELLED)


def _participant(user, service_request) -> bool:
    return user.pk in (service_request.customer_id, service_request.professional_id)


def thread_request_get(*, user, request_id) -> ServiceRequest:
    """The request whose thread ``user`` may read, or NotFound / Conflict."""
    if not user.is_authenticated or not user.is_active:
        raise NotFound(gettext("No such service request."))
    try:
        service_request = ServiceRequest.objects.select_related("customer", "professional").get(
            pk=int(request_id)
        )
    except (ServiceRequest.DoesNotExist, TypeError, ValueError):
        raise NotFound(gettext("No such service request.")) from None
    if not (user.is_admin or _participant(user, service_request)):
        raise NotFound(gettext("No such service request."))
    if service_request.professional_id is None:
        raise Conflict(gettext("Messages start once a professional has the job."), code="not_assigned")
    return service_request


def request_messages(*, user, request_id):
    """The thread, oldest first, with each sender joined in."""
    service_request = thread_request_get(user=user, request_id=request_id)
    return RequestMessage.objects.filter(request=service_request).select_related("sender")


def message_is_writable(user, service_request) -> bool:
    return _participant(user, service_request) and service_request.status not in READ_ONLY_STATUSES


def request_message_send(*, user, request_id, body) -> RequestMessage:
    service_request = thread_request_get(user=user, request_id=request_id)
    if not _participant(user, service_request):
        raise NotAllowed(
            gettext("Admins read the thread; only the customer and the professional write in it.")
        )
    if service_request.status in READ_ONLY_STATUSES:
        raise Conflict(gettext("This request is over: its messages are read-only."), code="thread_closed")
    text = (body if isinstance(body, str) else "").strip()
    if not text:
        raise ValidationFailed(gettext("Invalid input."), errors={"body": [gettext("Write something.")]})
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ValidationFailed(
            gettext("Invalid input."),
            errors={
                "body": [
                    gettext("At most %(count)s characters (%(given)s given).")
                    % {"count": MESSAGE_MAX_LENGTH, "given": len(text)}
                ]
            },
        )
    with transaction.atomic():
        message = RequestMessage.objects.create(request=service_request, sender=user, body=text)
        other = (
            service_request.professional
            if user.pk == service_request.customer_id
            else service_request.customer
        )
        notify(
            recipient=other,
            kind=NotificationKind.MESSAGE,
            key=f"message:{message.pk}",
            title=format_lazy(
                _("New message on request #{number} from {name}"),
                number=service_request.pk,
                name=user.get_short_name(),
            ),
            body=text[:160],
            request_id=service_request.pk,
            url=reverse("requests_app:detail", args=[service_request.pk]),
        )
        on_commit_robust(
            _broadcast,
            message_payload(message),
            [service_request.customer_id, service_request.professional_id],
        )
    return message


def message_payload(message) -> dict:
    return {
        "id": message.pk,
        "request_id": message.request_id,
        "sender_id": message.sender_id,
        "sender_name": message.sender.get_short_name(),
        "body": message.body,
        "created_at": message.created_at.isoformat(),
    }


def _broadcast(payload: dict, user_ids) -> None:
    try:
        layer = get_channel_layer()
        for user_id in user_ids:
            async_to_sync(layer.group_send)(
                user_group_name(user_id), {"type": "chat_message", "message": payload}
            )
    except Exception:
        logger.warning("Could not send message %s live", payload["id"], exc_info=True)
