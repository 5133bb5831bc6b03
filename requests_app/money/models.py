"""The money models. Imported by ``requests_app.models`` so that Django (and migrations) see
them as the ``requests_app`` app's own."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


def _money(**options):
    return models.DecimalField(max_digits=10, decimal_places=2, validators=NON_NEGATIVE, **options)


class PriceChangeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the customer")
    APPROVED = "approved", _("Approved by the customer")
    DECLINED = "declined", _("Declined, with an admin")
    SETTLED = "settled", _("Settled by an admin")


# A price change in these states is decided: the final price on the request may be paid.
DECIDED_PRICE_CHANGES = (PriceChangeStatus.APPROVED, PriceChangeStatus.SETTLED)


class PriceChange(models.Model):
    """A final price above the estimate by more than PRICE_TOLERANCE_PERCENT, stated by the
    professional on completion with a reason. Until the customer approves it (or, after they
    decline, an admin settles the price) nothing on the request can be paid."""

    request = models.OneToOneField(
        "requests_app.ServiceRequest", on_delete=models.CASCADE, related_name="price_change"
    )
    estimate = _money()
    proposed_price = _money()
    reason = models.TextField()
    status = models.CharField(
        max_length=16, choices=PriceChangeStatus.choices, default=PriceChangeStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    settled_price = _money(null=True, blank=True)
    note = models.TextField(blank=True, help_text=_("The customer's or the admin's words."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PriceChangeStatus.values), name="price_change_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=PriceChangeStatus.SETTLED) | Q(settled_price__isnull=False),
                name="price_change_settled_has_price",
            ),
        ]
        # Admins look for the declined ones to settle.
        indexes = [models.Index(fields=["status", "created_at"], name="price_change_status_idx")]

    def __str__(self):
        return f"Price change on request #{self.request_id}: {self.estimate} → {self.proposed_price}"

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED_PRICE_CHANGES


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Card (Stripe)")
    CASH = "cash", _("Cash")


class PaymentAttemptStatus(models.TextChoices):
    OPEN = "open", _("Open")
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Waiting for the customer to confirm")
    PAID = "paid", _("Paid")
    EXPIRED = "expired", _("Expired")
    REPLACED = "replaced", _("Replaced by a newer one")


class PaymentAttempt(models.Model):
    """One way the customer set out to pay a request: a Stripe Checkout Session (the web's Pay
    button) or cash the professional says they received. It holds the price and the tip as
    they were when it started; the request's ``payment_status`` is the summary of its attempts.
    At most one attempt per request is paid (a partial unique index)."""

    request = models.ForeignKey(
        "requests_app.ServiceRequest", on_delete=models.CASCADE, related_name="payment_attempts"
    )
    method = models.CharField(max_length=8, choices=PaymentMethod.choices)
    status = models.CharField(max_length=24, choices=PaymentAttemptStatus.choices)
    price = _money()
    tip = _money(default=Decimal("0"))
    stripe_session_id = models.CharField(max_length=255, blank=True)
    stripe_payment_intent = models.CharField(max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PaymentAttemptStatus.values), name="payment_attempt_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(method__in=PaymentMethod.values), name="payment_attempt_method_valid"
            ),
            # Paying twice is impossible in the database, whatever the code does.
            models.UniqueConstraint(
                fields=["request"], condition=Q(status="paid"), name="payment_attempt_one_paid"
            ),
            models.UniqueConstraint(
                fields=["stripe_session_id"],
                condition=~Q(stripe_session_id=""),
                name="payment_attempt_session_unique",
            ),
        ]

    def __str__(self):
        return f"{self.method} payment of request #{self.request_id} ({self.status})"

    @property
    def total(self) -> Decimal:
        return self.price + self.tip


class ReceiptCounter(models.Model):
    """The last receipt number issued in a year. Its row is locked while a number is taken, in
    the transaction that marks the request paid, so numbers have no gaps and no repeats."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class Receipt(models.Model):
    """The numbered receipt of a paid request. The PDF is drawn from the request each time it
    is downloaded, so it always shows the refunds made since."""

    request = models.OneToOneField(
        "requests_app.ServiceRequest", on_delete=models.PROTECT, related_name="receipt"
    )
    year = models.PositiveIntegerField()
    number = models.PositiveIntegerField()
    issued_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="receipt_number_unique")]

    def __str__(self):
        return self.code

    @property
    def code(self) -> str:
        return f"{self.year}-{self.number:06d}"


class EarningsKind(models.TextChoices):
    CREDIT = "credit", _("Credit")
    REVERSAL = "reversal", _("Reversal")


class EarningsEntry(models.Model):
    """One line of a professional's earnings ledger: a paid job credits its price less the
    platform commission, plus the whole tip; a refund reverses in proportion (negative
    amounts). Rows are only ever added, never edited: a payout reads the sum."""

    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="earnings_entries"
    )
    request = models.ForeignKey(
        "requests_app.ServiceRequest", on_delete=models.PROTECT, related_name="earnings_entries"
    )
    kind = models.CharField(max_length=10, choices=EarningsKind.choices)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    commission = models.DecimalField(max_digits=10, decimal_places=2)
    tip = models.DecimalField(max_digits=10, decimal_places=2)
    amount = models.DecimalField(max_digits=10, decimal_places=2, help_text=_("price - commission + tip"))
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EarningsKind.values), name="earnings_kind_valid"),
            models.CheckConstraint(
                condition=Q(amount=models.F("price") - models.F("commission") + models.F("tip")),
                name="earnings_amount_adds_up",
            ),
        ]
        indexes = [models.Index(fields=["professional", "-created_at"], name="earnings_professional_idx")]

    def __str__(self):
        return f"{self.kind} {self.amount} for request #{self.request_id}"


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Asked of Stripe")
    SUCCEEDED = "succeeded", _("Refunded")
    FAILED = "failed", _("Failed")


class Refund(models.Model):
    """Money given back on a paid request, in full or in part. An admin's refund is asked of
    Stripe (with an idempotency key) and recorded ``pending``; Stripe's signed event says when
    it succeeded, and only then do the receipt and the earnings show it. A refund made in
    Stripe's dashboard arrives as an event and is recorded then. Cash is given back outside
    the site; an admin records it (``method`` cash), succeeded at once."""

    request = models.ForeignKey(
        "requests_app.ServiceRequest", on_delete=models.PROTECT, related_name="refunds"
    )
    amount = _money()
    status = models.CharField(max_length=12, choices=RefundStatus.choices, default=RefundStatus.PENDING)
    method = models.CharField(max_length=8, choices=PaymentMethod.choices, default=PaymentMethod.CARD)
    reason = models.CharField(max_length=255, blank=True)
    stripe_refund_id = models.CharField(
        max_length=255, unique=True, help_text=_("Stripe's refund id; cash-… for cash an admin recorded.")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RefundStatus.values), name="refund_status_valid"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self):
        return f"Refund of {self.amount} on request #{self.request_id} ({self.status})"


class CancellationFeeStatus(models.TextChoices):
    DUE = "due", _("Due")
    PENDING = "pending", _("Being charged to the card on file")
    PAID = "paid", _("Paid")


class CancellationFee(models.Model):
    """A fee for cancelling late, recorded under the cancellation policy (the schedule's
    rules decide the amount). With a card on file it is charged off-session (``pending`` until
    Stripe's signed event says it succeeded); without one, or when that charge fails, it is
    due until the customer pays it on Stripe Checkout like a job's price. It is then on the
    receipt."""

    request = models.OneToOneField(
        "requests_app.ServiceRequest", on_delete=models.PROTECT, related_name="fee_charge"
    )
    amount = _money()
    status = models.CharField(
        max_length=8, choices=CancellationFeeStatus.choices, default=CancellationFeeStatus.DUE
    )
    stripe_payment_intent = models.CharField(
        max_length=255, blank=True, help_text=_("The off-session charge of the card on file, if any.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CancellationFeeStatus.values), name="cancellation_fee_status_valid"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="cancellation_fee_positive"),
        ]

    def __str__(self):
        return f"Cancellation fee {self.amount} on request #{self.request_id} ({self.status})"


class StripeCustomer(models.Model):
    """A user's Stripe Customer, created once (with an idempotency key) when they first pay by
    card, and the card Stripe saved for off-session use (``setup_future_usage``), which the
    signed ``payment_intent.succeeded`` event names. A cancellation fee is charged to it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stripe_customer"
    )
    customer_id = models.CharField(max_length=255, unique=True)
    payment_method_id = models.CharField(max_length=255, blank=True)
    # When Stripe created the PaymentIntent that saved it: an older event arriving late does
    # not put back an older card.
    payment_method_since = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.customer_id} for user #{self.user_id}"

    @property
    def has_card(self) -> bool:
        return bool(self.payment_method_id)
