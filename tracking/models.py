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
    Append-only; the latest professional position is also kept on their profile.

    On PostgreSQL the table is partitioned by month of ``recorded_at`` (migration
    0006_location_partitions, ``tracking.partitions``): its primary key there is
    ``(id, recorded_at)``, and every unique index includes ``recorded_at``, as PostgreSQL
    requires of a partitioned table. Django still knows ``id`` alone as the key, which it is:
    ids come from one sequence. On SQLite it is a plain table.

    A point is recorded once: one with a ``client_id`` (the phone's name for it) once per
    reporter, id and moment; one without, once per request, reporter and moment."""

    # No index of its own: every read by request is served by location_request_idx, whose
    # first column it is (one index fewer for each point written).
    # Neither key is checked by the database (db_constraint=False): a check is a lookup of the
    # referenced row per point written. A batch holds its request's row under a share lock
    # (tracking.ingest), its reporter is that request's professional, whom the request
    # protects, and Django's deletes cascade as before.
    request = models.ForeignKey(
        "requests_app.ServiceRequest",
        on_delete=models.CASCADE,
        related_name="location_updates",
        db_index=False,
        db_constraint=False,
    )
    # No index of its own either: a user's points (a user deleted) are found through
    # location_client_id_unique, whose first column it is.
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    source = models.CharField(max_length=16, choices=LocationSource.choices)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    accuracy = models.PositiveIntegerField(null=True, blank=True, help_text=_("Metres."))
    recorded_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    client_id = models.CharField(
        max_length=64, null=True, blank=True, help_text=_("The reporting phone's own id for the point.")
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            # A re-sent batch fails its plain insert on them, and its retry skips the points
            # already recorded (ON CONFLICT DO NOTHING, tracking.ingest). Not partial: points
            # without a client_id never clash in it (NULLs are distinct), and so it also holds
            # every point of a reporter, for the deletion of a user.
            models.UniqueConstraint(
                fields=["reported_by", "client_id", "recorded_at"], name="location_client_id_unique"
            ),
            models.UniqueConstraint(
                fields=["request", "reported_by", "recorded_at"],
                condition=Q(client_id__isnull=True),
                name="location_moment_unique",
            ),
            models.CheckConstraint(
                condition=Q(source__in=LocationSource.values), name="location_source_valid"
            ),
            *position_constraints("location", "latitude", "longitude"),
        ]
        indexes = [
            # A request's points in order, read either way: newest first (the API, the live map,
            # the export, a request deleted), and a reporter's trip oldest first (the ETA's first
            # point and speed window at each batch, tracking.ingest: a range of it, not every
            # point sorted; only the request's professional reports, so the range holds theirs).
            models.Index(fields=["request", "recorded_at", "id"], name="location_request_idx"),
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
