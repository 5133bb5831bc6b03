"""Hooks called from ``requests_app.payments`` (the app's PaymentIntent flow)."""

from __future__ import annotations

from django.utils import timezone

from requests_app.money import paid
from requests_app.money.models import PaymentAttempt, PaymentAttemptStatus, PaymentMethod


def app_payment_paid(*, service_request, intent_id: str) -> None:
    """A PaymentIntent paid from the app (``POST requests/{id}/pay/``): recorded as an attempt
    like a Checkout one, with its receipt and earnings."""
    attempt = PaymentAttempt.objects.create(
        request=service_request,
        method=PaymentMethod.CARD,
        status=PaymentAttemptStatus.PAID,
        price=service_request.final_price,
        stripe_payment_intent=intent_id,
        paid_at=timezone.now(),
    )
    paid.on_paid(service_request=service_request, attempt=attempt)
