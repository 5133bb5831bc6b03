"""Working hours and time off (imported by ``requests_app.models`` so Django registers them)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkingHours(models.Model):
    """One range of a professional's usual week: on this weekday from ``starts_at`` to
    ``ends_at``, wall-clock times in the site's time zone. A day may hold several ranges (a
    lunch break); they never overlap, and a range never runs past midnight."""

    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_hours"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts_at = models.TimeField()
    ends_at = models.TimeField()

    class Meta:
        ordering = ["professional", "weekday", "starts_at"]
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="hours_weekday_valid"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="hours_end_after_start"),
        ]
        indexes = [models.Index(fields=["professional", "weekday"], name="hours_professional_idx")]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"


class TimeOff(models.Model):
    """A range of instants (UTC) in which the professional does not work: a day off, a
    holiday, an appointment. No job is offered or booked with them then."""

    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_off"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name_plural = _("time off")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="time_off_end_after_start"),
        ]
        indexes = [models.Index(fields=["professional", "ends_at"], name="time_off_professional_idx")]

    def __str__(self):
        return f"Time off {self.starts_at:%Y-%m-%d %H:%M}-{self.ends_at:%Y-%m-%d %H:%M}"


class CalendarFeed(models.Model):
    """The key in a professional's iCalendar feed URL. The URL carries it signed; a new key
    (``calendar_feed_revoke``) makes every earlier URL stop working."""

    professional = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="calendar_feed"
    )
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Calendar feed of {self.professional_id}"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the customer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Replaced or no longer possible")


class TimeProposal(models.Model):
    """The assigned professional asks the customer to move a booking to another time
    (``requests_app.schedule.proposals``). At most one waits per request; the customer accepts
    (the booking moves, kept with the professional) or declines (it stays as it was)."""

    request = models.ForeignKey(
        "requests_app.ServiceRequest", on_delete=models.CASCADE, related_name="proposals"
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scheduled_for = models.DateTimeField()
    note = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"], condition=Q(status="pending"), name="one_pending_proposal_per_request"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "declined", "withdrawn"]),
                name="proposal_status_valid",
            ),
        ]

    def __str__(self):
        return f"Proposal for #{self.request_id} at {self.scheduled_for:%Y-%m-%d %H:%M} ({self.status})"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    MONTHLY = "monthly", _("Every month")


class Series(models.Model):
    """A booking repeated weekly, fortnightly or monthly at the same local time, until a date or
    for ``count`` times (the first booking included). Occurrences are created SERIES_AHEAD_DAYS
    ahead by a beat job (``requests_app.schedule.series``)."""

    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="series")
    frequency = models.CharField(max_length=16, choices=Frequency.choices)
    starts_at = models.DateTimeField(help_text=_("The first occurrence's start."))
    until = models.DateField(null=True, blank=True)
    count = models.PositiveSmallIntegerField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = _("series")
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=False) | Q(count__isnull=False), name="series_has_an_end"
            ),
            models.CheckConstraint(
                condition=Q(count__isnull=True) | Q(count__lte=52), name="series_count_max"
            ),
        ]

    def __str__(self):
        return f"Series #{self.pk} ({self.frequency})"


class SeriesOccurrence(models.Model):
    """The ``index``-th time of a series (0 is the booking it started from): its request once
    created, or a skip, or a changed time for one not created yet. Unique per index, so the beat
    job creating occurrences twice creates nothing twice."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="occurrences")
    index = models.PositiveSmallIntegerField()
    request = models.OneToOneField(
        "requests_app.ServiceRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="series_occurrence",
    )
    skipped = models.BooleanField(default=False)
    moved_to = models.DateTimeField(
        null=True, blank=True, help_text=_("Changed time, before it was created.")
    )
    problem = models.CharField(max_length=255, blank=True, help_text=_("Why it could not be booked."))

    class Meta:
        ordering = ["series", "index"]
        constraints = [models.UniqueConstraint(fields=["series", "index"], name="series_occurrence_unique")]

    def __str__(self):
        return f"Series #{self.series_id} occurrence {self.index}"
