"""Hooks called from ``requests_app.payments`` (the app's PaymentIntent flow)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext

from householdsvc.core.errors import Conflict
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


def ensure_no_open_checkout(service_request) -> None:
    """The app does not start a PaymentIntent while a Checkout Session of the web is open: both
    could be paid. The session expires by itself (STRIPE_CHECKOUT_EXPIRES_MINUTES)."""
    if PaymentAttempt.objects.filter(
        request=service_request, method=PaymentMethod.CARD, status=PaymentAttemptStatus.OPEN
    ).exists():
        raise Conflict(
            gettext(
                "A card payment is open on Stripe Checkout (the web); "
                "finish it there or wait for it to expire."
            ),
            code="checkout_open",
        )
