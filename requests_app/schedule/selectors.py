"""Reads of the schedule, scoped by the acting user: a professional sees their own working
hours and time off, an admin anybody's; anyone else is told there is no such professional."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role
from householdsvc.core.errors import NotFound
from requests_app.models import ServiceRequest, Status
from requests_app.schedule.models import TimeOff, WorkingHours


def schedule_owner(*, user, professional_id=None):
    """The professional whose schedule ``user`` asks for: themself by default; an admin names one."""
    if not user.is_authenticated or not user.is_active:
        raise NotFound(gettext("No such professional."))
    if professional_id in (None, "") and user.role == Role.PROFESSIONAL:
        return user
    if not user.is_admin:
        if str(professional_id) == str(user.pk) and user.role == Role.PROFESSIONAL:
            return user
        raise NotFound(gettext("No such professional."))
    try:
        return get_user_model().objects.get(pk=int(professional_id), role=Role.PROFESSIONAL)
    except (get_user_model().DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(gettext("No such professional.")) from exc


def working_hours_list(*, user, professional_id=None) -> QuerySet[WorkingHours]:
    owner = schedule_owner(user=user, professional_id=professional_id)
    return WorkingHours.objects.filter(professional=owner).order_by("weekday", "starts_at")


def time_off_list(*, user, professional_id=None, include_past=False) -> QuerySet[TimeOff]:
    owner = schedule_owner(user=user, professional_id=professional_id)
    rows = TimeOff.objects.filter(professional=owner)
    if not include_past:
        rows = rows.filter(ends_at__gt=timezone.now())
    return rows.order_by("starts_at", "id")


def week_of_jobs(*, user, first_day):
    """The professional's jobs holding time in the 7 local days from ``first_day``, household
    and roadside alike, each day's list in time order: ``[(day, [request, ...]), ...]``."""
    zone = ZoneInfo(settings.TIME_ZONE)
    days = [first_day + timedelta(days=n) for n in range(7)]
    start = datetime.combine(days[0], time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(days[-1] + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    jobs = (
        ServiceRequest.objects.filter(professional_id=user.pk, busy_from__lt=end, busy_until__gt=start)
        .exclude(status=Status.CANCELLED)
        .select_related("service")
        .order_by("busy_from", "id")
    )
    by_day = {day: [] for day in days}
    for job in jobs:
        day = job.busy_from.astimezone(zone).date()
        by_day.setdefault(day, []).append(job)
    return [(day, by_day.get(day, [])) for day in days]
