from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class ServiceKind(models.TextChoices):
    AT_ADDRESS = "at_address", _("At an address (household job)")
    DISPATCH = "dispatch", _("Dispatched to a position (mobile / roadside)")


class Service(models.Model):
    """Something a customer can book: a household job done at an address (cleaning, plumbing)
    or assistance dispatched to a GPS position (breakdown, flat tyre). The base price is what a
    request's estimate starts from; an inactive service can no longer be booked or offered."""

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    base_price = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    # Dispatch only: added to the base price for each km from the nearest suitable professional.
    per_km_price = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    time_required_minutes = models.PositiveIntegerField(
        validators=[MinValueValidator(1)], help_text=_("Typical time the job takes, in minutes.")
    )
    kind = models.CharField(max_length=16, choices=ServiceKind.choices, default=ServiceKind.AT_ADDRESS)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="service_name_unique_ci"),
            models.CheckConstraint(condition=~Q(name=""), name="service_name_not_empty"),
            models.CheckConstraint(condition=Q(base_price__gte=0), name="service_base_price_non_negative"),
            models.CheckConstraint(condition=Q(time_required_minutes__gt=0), name="service_time_positive"),
            models.CheckConstraint(condition=Q(kind__in=ServiceKind.values), name="service_kind_valid"),
        ]
        indexes = [models.Index(fields=["is_active", "kind"], name="service_active_kind_idx")]

    def __str__(self):
        return self.name

    @property
    def is_dispatch(self) -> bool:
        return self.kind == ServiceKind.DISPATCH
