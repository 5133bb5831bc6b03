from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from householdsvc.core.geo import position_constraints


class LocationSource(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional")
    CUSTOMER = "customer", _("Customer")


class LocationUpdate(models.Model):
    """One GPS point reported on a request, by its professional on the way or by the customer.
    Append-only; the latest professional position is also kept on their profile."""

    request = models.ForeignKey(
        "requests_app.ServiceRequest", on_delete=models.CASCADE, related_name="location_updates"
    )
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=16, choices=LocationSource.choices)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    accuracy = models.PositiveIntegerField(null=True, blank=True, help_text=_("Metres."))
    recorded_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=LocationSource.values), name="location_source_valid"
            ),
            *position_constraints("location", "latitude", "longitude"),
        ]
        indexes = [
            models.Index(fields=["request", "-recorded_at"], name="location_request_idx"),
            # The retention job deletes the oldest arrivals first.
            models.Index(fields=["received_at"], name="location_received_idx"),
        ]

    def __str__(self):
        return f"({self.latitude}, {self.longitude}) at {self.recorded_at:%H:%M:%S}"


class TrackingLink(models.Model):
    """A link its customer made to share a request's live tracking with someone without an
    account (``tracking.links``). The URL carries a signed token naming this row, so revoking
    is setting ``revoked_at``."""

    request = models.ForeignKey(
        "requests_app.ServiceRequest", on_delete=models.CASCADE, related_name="tracking_links"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Tracking link #{self.pk} of request #{self.request_id}"
