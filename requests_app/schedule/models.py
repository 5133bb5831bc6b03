"""Working hours and time off (imported by ``requests_app.models`` so Django registers them)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


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
        verbose_name_plural = "working hours"
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
        verbose_name_plural = "time off"
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
