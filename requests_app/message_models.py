"""The messages between a request's customer and its professional (rules in requests_app.messages).
Imported by requests_app.models, so Django registers the model there."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from requests_app.models import ServiceRequest

MESSAGE_MAX_LENGTH = 2000


class RequestMessage(models.Model):
    """A message in the thread of an assigned request, between its customer and its
    professional (admins read it too). The thread is how they reach each other: their phone
    numbers stay hidden. Read-only once the request is closed or cancelled."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"], name="request_message_thread_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(body__regex=r"\S"), name="request_message_not_blank"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), MESSAGE_MAX_LENGTH), name="request_message_length"
            ),
        ]

    def __str__(self):
        return f"Message {self.pk} on request {self.request_id}"
