"""The cancellation policy: free while nobody holds the job, or more than CANCEL_FREE_HOURS
before its slot; after that, or once the professional is on the way, a fee of
CANCEL_FEE_PERCENT of the estimate and at least CANCEL_FEE_MIN. The fee is recorded on the
request when it is cancelled (``cancellation_fee``), for the payments to charge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from householdsvc.core.errors import InvalidTransition, NotAllowed
from requests_app.models import TRANSITIONS, Action, ServiceRequest, Status
from requests_app.selectors import service_request_get
from requests_app.status_words import status_word

CENT = Decimal("0.01")


@dataclass(frozen=True)
class CancellationTerms:
    fee: Decimal
    free_until: datetime | None  # when cancelling stops being free (None: not free or no slot)
    reason: str


def terms_for(service_request: ServiceRequest, *, now: datetime | None = None) -> CancellationTerms:
    now = now or timezone.now()
    if service_request.status == Status.REQUESTED:
        return CancellationTerms(Decimal("0.00"), None, "Free: no professional has taken it yet.")
    start = service_request.busy_from or service_request.scheduled_for
    if service_request.status == Status.ASSIGNED and start is not None:
        free_until = start - timedelta(hours=settings.CANCEL_FREE_HOURS)
        if now < free_until:
            return CancellationTerms(
                Decimal("0.00"), free_until, f"Free until {settings.CANCEL_FREE_HOURS} hours before the slot."
            )
    elif service_request.status == Status.ASSIGNED:
        return CancellationTerms(Decimal("0.00"), None, "Free: the job has no booked time.")
    estimate = service_request.price_estimate or Decimal("0")
    fee = max(estimate * settings.CANCEL_FEE_PERCENT / 100, settings.CANCEL_FEE_MIN)
    fee = fee.quantize(CENT, rounding=ROUND_HALF_UP)
    when = (
        "the professional is on the way" if service_request.status == Status.EN_ROUTE else "the slot is close"
    )
    return CancellationTerms(
        fee,
        None,
        f"A fee of {settings.CANCEL_FEE_PERCENT}% of the estimate "
        f"(at least {settings.CANCEL_FEE_MIN}): {when}.",
    )


def preview(*, user, request_id) -> CancellationTerms:
    """The terms the customer (or an admin) would cancel ``request_id`` on, right now."""
    service_request = service_request_get(user=user, request_id=request_id)
    if not (user.is_admin or service_request.customer_id == user.pk):
        raise NotAllowed(gettext("Only the customer who made the request, or an admin, may cancel it."))
    if service_request.status not in TRANSITIONS[Action.CANCEL][0]:
        raise InvalidTransition(
            gettext("Cannot cancel this request: it is %(status)s.")
            % {"status": status_word(service_request.status)}
        )
    return terms_for(service_request)
