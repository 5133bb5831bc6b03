import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.utils.translation import gettext_lazy as _

from householdsvc.core.geo import LATITUDE_VALIDATORS, LONGITUDE_VALIDATORS, position_constraints


def new_start_code() -> str:
    """Four random digits (``secrets``: not guessable from other requests' codes)."""
    return f"{secrets.randbelow(10_000):04d}"


class Status(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ASSIGNED = "assigned", _("Assigned")
    EN_ROUTE = "en_route", _("En route")
    ON_SITE = "on_site", _("On site")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Action(models.TextChoices):
    CREATE = "create", _("Create")
    EDIT = "edit", _("Edit")
    ACCEPT = "accept", _("Accept")
    REJECT = "reject", _("Reject")
    ASSIGN = "assign", _("Assign")
    START = "start", _("Start")
    ARRIVE = "arrive", _("Arrive")
    COMPLETE = "complete", _("Complete")
    CLOSE = "close", _("Close")
    CANCEL = "cancel", _("Cancel")
    RELEASE = "release", _("Release")
    # Not a transition: a note in the trail when a payment starts, succeeds, fails or is refunded.
    PAYMENT = "payment", _("Payment")
    # Not a transition either: a price change proposed, approved, declined or settled.
    PRICE = "price", _("Price")
    # Not transitions either: a round of offers went out; nobody could be matched.
    OFFER = "offer", _("Offer round")
    UNMATCHED = "unmatched", _("Unmatched")
    # Arriving locked by wrong start codes, or unlocked by an admin.
    START_CODE = "start_code", _("Start code")


# The status machine: for each action, the states it may start from and the state it leads
# to. requests_app.services reads this and nothing else decides what may follow what.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    Action.ACCEPT: (frozenset({Status.REQUESTED}), Status.ASSIGNED),
    Action.REJECT: (frozenset({Status.REQUESTED}), Status.REQUESTED),
    Action.ASSIGN: (frozenset({Status.REQUESTED}), Status.ASSIGNED),
    Action.START: (frozenset({Status.ASSIGNED}), Status.EN_ROUTE),
    Action.ARRIVE: (frozenset({Status.EN_ROUTE}), Status.ON_SITE),
    Action.COMPLETE: (frozenset({Status.ON_SITE}), Status.COMPLETED),
    Action.CLOSE: (frozenset({Status.COMPLETED}), Status.CLOSED),
    Action.CANCEL: (frozenset({Status.REQUESTED, Status.ASSIGNED, Status.EN_ROUTE}), Status.CANCELLED),
    Action.EDIT: (frozenset({Status.REQUESTED}), Status.REQUESTED),
    # The assigned professional gives the job back before setting off: it is offered anew.
    Action.RELEASE: (frozenset({Status.ASSIGNED}), Status.REQUESTED),
}

# States in which somebody is working on the request, so a professional must be set.
STATUSES_WITH_PROFESSIONAL = (
    Status.ASSIGNED,
    Status.EN_ROUTE,
    Status.ON_SITE,
    Status.COMPLETED,
    Status.CLOSED,
)
# The job is done and its final price set: it may be paid for and reviewed.
DONE_STATUSES = (Status.COMPLETED, Status.CLOSED)
PAYABLE_STATUSES = DONE_STATUSES
REVIEWABLE_STATUSES = DONE_STATUSES
# From acceptance (the professional may be getting ready) to the end of the work on site, the
# assigned professional's phone reports its position.
REPORTING_STATUSES = (Status.ASSIGNED, Status.EN_ROUTE, Status.ON_SITE)
# While the professional travels or works, the customer may watch their position.
TRACKABLE_STATUSES = (Status.EN_ROUTE, Status.ON_SITE)
# The customer's request page listens for live changes until the job is done and confirmed
# (completed still moves: to closed, and on to payment).
WATCHED_STATUSES = (Status.REQUESTED, Status.ASSIGNED, Status.EN_ROUTE, Status.ON_SITE, Status.COMPLETED)
# A professional's time is held by a job in these states: no two of theirs may overlap.
HOLDING_STATUSES = (Status.ASSIGNED, Status.EN_ROUTE, Status.ON_SITE)


class VehicleType(models.TextChoices):
    CAR = "car", _("Car")
    MOTORCYCLE = "motorcycle", _("Motorcycle")
    VAN = "van", _("Van")
    TRUCK = "truck", _("Truck")
    EV = "ev", _("Electric vehicle")
    OTHER = "other", _("Other")


class PaymentStatus(models.TextChoices):
    UNPAID = "unpaid", _("Unpaid")
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    REFUNDED = "refunded", _("Refunded")
    FAILED = "failed", _("Failed")


class ServiceRequest(models.Model):
    """A customer's booking of one service: a household job at an address or roadside help at
    a position. It moves through the status machine above; every move is stamped here and
    recorded as a RequestEvent. The estimate comes from the service's base price, the final
    price from the professional on completion."""

    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="requests")
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_requests"
    )
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_requests",
    )
    # Professionals who turned the request down are not offered it again.
    rejected_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="rejected_requests"
    )

    description = models.TextField()
    address = models.TextField(blank=True)
    pin_code = models.CharField(max_length=12, blank=True)
    latitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, validators=LATITUDE_VALIDATORS
    )
    longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, validators=LONGITUDE_VALIDATORS
    )
    vehicle_type = models.CharField(max_length=16, choices=VehicleType.choices, blank=True)
    scheduled_for = models.DateTimeField(null=True, blank=True, help_text=_("Preferred date and time."))
    remarks = models.TextField(blank=True)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED)
    price_estimate = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    # What the estimate is made of, as shown before booking: [{"label": ..., "amount": "399.00"}].
    # A database default too, for the bulk loaders that insert rows with COPY.
    estimate_parts = models.JSONField(
        default=list, db_default=Value([], output_field=models.JSONField()), blank=True
    )
    final_price = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    payment_status = models.CharField(
        max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID
    )
    payment_reference = models.CharField(max_length=255, blank=True, help_text=_("Stripe payment id."))
    cancel_reason = models.CharField(max_length=255, blank=True)
    # Dispatch (requests_app.offers): the last round of offers sent, and when the request was
    # given up as unmatched (no taker after DISPATCH_MAX_ROUNDS, or nobody in range).
    dispatch_round = models.PositiveSmallIntegerField(default=0)
    unmatched_at = models.DateTimeField(null=True, blank=True)
    # Shown to the customer only; the professional needs it to arrive (requests_app.start_codes).
    start_code = models.CharField(max_length=4, default=new_start_code)
    start_code_failures = models.PositiveSmallIntegerField(default=0)
    # What cancelling cost the customer (requests_app.schedule.cancellation), for payments to charge.
    cancellation_fee = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    # The time the assigned professional is held by the job (see requests_app.schedule): the
    # booked slot of a household job, accept time to estimated end of a roadside one. Two jobs
    # of one professional in HOLDING_STATUSES never overlap (an exclusion constraint on
    # PostgreSQL, migration 0005; a check under a lock everywhere).
    busy_from = models.DateTimeField(null=True, blank=True)
    busy_until = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="request_status_valid"),
            models.CheckConstraint(
                condition=Q(price_estimate__isnull=True) | Q(price_estimate__gte=0),
                name="request_estimate_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(final_price__isnull=True) | Q(final_price__gte=0),
                name="request_final_price_non_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=STATUSES_WITH_PROFESSIONAL) | Q(professional__isnull=False),
                name="request_professional_when_working",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.REQUESTED) | Q(professional__isnull=True),
                name="request_no_professional_when_open",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=DONE_STATUSES) | Q(final_price__isnull=False),
                name="request_final_price_when_completed",
            ),
            models.CheckConstraint(
                condition=Q(payment_status__in=PaymentStatus.values), name="request_payment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(vehicle_type="") | Q(vehicle_type__in=VehicleType.values),
                name="request_vehicle_type_valid",
            ),
            *position_constraints("request", "latitude", "longitude"),
            models.CheckConstraint(
                condition=Q(busy_from__isnull=True, busy_until__isnull=True)
                | Q(busy_until__gt=F("busy_from")),
                name="request_busy_range_valid",
            ),
        ]
        indexes = [
            # The default ordering, and every list's keyset.
            models.Index(fields=["-created_at", "-id"], name="request_created_idx"),
            models.Index(fields=["status", "-created_at"], name="request_status_created_idx"),
            models.Index(fields=["customer", "-created_at"], name="request_customer_idx"),
            models.Index(fields=["professional", "status"], name="request_professional_idx"),
            # Offers to professionals: open requests of a service in a pin code.
            models.Index(fields=["service", "status", "pin_code"], name="request_offer_idx"),
            # Offers by radius: open requests of a service inside a latitude/longitude box.
            models.Index(
                fields=["service", "status", "latitude", "longitude"], name="request_offer_position_idx"
            ),
            models.Index(fields=["pin_code"], name="request_pin_code_idx"),
            # The dispatch sweep and the admins' "unmatched" filter look at open requests only.
            models.Index(
                fields=["unmatched_at", "dispatch_round"],
                name="request_dispatch_idx",
                condition=Q(status=Status.REQUESTED),
            ),
            # A professional's busy time (overlap checks, the week view), covering.
            models.Index(
                fields=["professional", "busy_until"],
                include=["busy_from", "status"],
                name="request_busy_idx",
                condition=Q(busy_from__isnull=False),
            ),
            # Only the held jobs: the slot counts read a pin code's professionals' held jobs from
            # it alone, in this order, with no status to test per row.
            models.Index(
                fields=["professional", "busy_until"],
                include=["busy_from"],
                name="request_held_idx",
                condition=Q(busy_from__isnull=False, status__in=HOLDING_STATUSES),
            ),
            # The back office filters by payment state, newest first.
            models.Index(fields=["payment_status", "-created_at"], name="request_payment_created_idx"),
            # Stripe's refund events name the PaymentIntent, not the request.
            models.Index(
                fields=["payment_reference"],
                name="request_payment_ref_idx",
                condition=~Q(payment_reference=""),
            ),
        ]

    def __str__(self):
        return f"Request #{self.pk} ({self.service_id}, {self.status})"


class RequestEvent(models.Model):
    """One line of a request's audit trail: what happened (creation, an edit, each transition),
    from which state to which, who did it and when. Written in the same transaction as the
    change it records, and never changed afterwards."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action.choices)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"], name="request_event_request_idx")]

    def __str__(self):
        return f"{self.action}: {self.from_status or '-'} → {self.to_status}"


class StripeEvent(models.Model):
    """One Stripe webhook event as it was received, kept so that a redelivered event (Stripe
    retries until it gets a 2xx, and may deliver the same event twice at once) is applied only
    once: the unique ``event_id`` is claimed in the same transaction that applies the event."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)
    processed = models.BooleanField(
        default=False, help_text=_("Whether the event changed a request; if not, the outcome says why.")
    )
    outcome = models.CharField(max_length=255, blank=True)
    service_request = models.ForeignKey(
        ServiceRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="stripe_events"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["-received_at", "-id"], name="stripe_event_received_idx")]

    def __str__(self):
        return f"{self.type} {self.event_id}"


# The money models (price changes, payment attempts, receipts, earnings) are this app's too.
from requests_app.money.models import (  # noqa: E402, F401
    CancellationFee,
    EarningsEntry,
    PaymentAttempt,
    PriceChange,
    Receipt,
    ReceiptCounter,
    Refund,
    StripeCustomer,
)


class OfferState(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Offer(models.Model):
    """A request put to one professional in one round of dispatch. Roadside requests go out in
    rounds to the nearest few, each offer open for DISPATCH_OFFER_SECONDS; household requests in
    one round, with no timer, to the professionals serving the pin code. A professional is
    offered a request at most once (the unique pair), so no round repeats anybody. Only an
    open offer can be accepted (requests_app.offers)."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="offers")
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offers"
    )
    round = models.PositiveSmallIntegerField()
    distance_km = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    offered_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True, help_text=_("Empty: open until taken."))
    state = models.CharField(max_length=16, choices=OfferState.choices, default=OfferState.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-offered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "professional"], name="offer_request_professional_unique"
            ),
            models.CheckConstraint(condition=Q(state__in=OfferState.values), name="offer_state_valid"),
            models.CheckConstraint(condition=Q(round__gte=1), name="offer_round_positive"),
        ]
        indexes = [
            # A professional's offers page and the visibility rule: their open offers.
            models.Index(fields=["professional", "state", "-offered_at"], name="offer_professional_idx"),
            # The sweep: open offers past their time.
            models.Index(
                fields=["expires_at"], name="offer_open_expiry_idx", condition=Q(state=OfferState.OPEN)
            ),
        ]

    def __str__(self):
        return f"Offer of #{self.request_id} to #{self.professional_id} (round {self.round}, {self.state})"


# The schedule's models live in their sub-domain module; imported here so Django registers them.
# The thread of messages on a request (requests_app.messages), likewise.
from requests_app.message_models import MESSAGE_MAX_LENGTH, RequestMessage  # noqa: E402, F401
from requests_app.schedule.models import (  # noqa: E402, F401
    CalendarFeed,
    Series,
    SeriesOccurrence,
    TimeOff,
    TimeProposal,
    WorkingHours,
)
