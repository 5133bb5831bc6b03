"""``{% load message_tags %}{% messages_panel service_request %}``: the request page's message
thread (requests_app.messages), for its customer, its professional and admins; live through
``requests_app/messages.js`` on the user's own socket."""

from django import template

from householdsvc.core.errors import ServiceError
from requests_app import messages

register = template.Library()


@register.inclusion_tag("requests_app/_messages.html", takes_context=True)
def messages_panel(context, service_request):
    user = context["request"].user
    try:
        thread = list(messages.request_messages(user=user, request_id=service_request.pk))
    except ServiceError:
        return {"shown": False}
    return {
        "shown": True,
        "service_request": service_request,
        "thread": thread,
        "me": user.pk,
        "writable": messages.message_is_writable(user, service_request),
        "max_length": messages.MESSAGE_MAX_LENGTH,
        "csrf_token": context.get("csrf_token"),
    }
