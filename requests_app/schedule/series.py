"""Recurring series: a household booking repeated weekly, fortnightly or monthly at the same
local time, until a date or for N times (N ≤ 52, the first booking included; no end is a 400).

``series_extend`` (the beat job) books each occurrence SERIES_AHEAD_DAYS before it happens, as
a request like the first one, and offers it first to the professional of the last occurrence
alone (round 1, for DISPATCH_OFFER_SECONDS) when they are still free and may take it; the usual
rounds follow if they decline or let it expire, and otherwise it is offered to everybody. It locks the
series row and skips indexes it already has (unique per series and index), so running it twice
creates nothing twice. The customer may skip one occurrence, change one's time, or end the
series (the occurrences already booked stay; each may still be cancelled on its own).
"""

from __future__ import annotations

import calendar
import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.validation import ensure_active
from householdsvc.core.errors import (
    Conflict,
    InvalidTransition,
    NotAllowed,
    NotFound,
    ServiceError,
    ValidationFailed,
)
from requests_app.models import Status
from requests_app.schedule.models import Frequency, Series, SeriesOccurrence
from requests_app.schedule.reschedule import service_request_reschedule
from requests_app.schedule.slots import is_aligned, site_zone
from requests_app.services import service_request_cancel, service_request_create, service_request_lock
from requests_app.status_words import status_word

logger = logging.getLogger(__name__)

MAX_OCCURRENCES = 52
SERIES_STATUSES = (Status.REQUESTED, Status.ASSIGNED)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def occurrence_start(frequency: str, first: datetime, index: int) -> datetime:
    """The ``index``-th start: the same local wall-clock time (daylight saving does not shift it)."""
    local = first.astimezone(site_zone())
    if frequency == Frequency.MONTHLY:
        day = _add_months(local.date(), index)
    else:
        day = local.date() + timedelta(days=(7 if frequency == Frequency.WEEKLY else 14) * index)
    return datetime.combine(day, local.time(), tzinfo=site_zone())


def _last_index(frequency, first, *, until=None, count=None) -> int:
    """The index of the last occurrence (0-based); more than MAX_OCCURRENCES - 1 when too many."""
    if count is not None:
        return count - 1
    index = 0
    while index < MAX_OCCURRENCES and occurrence_start(frequency, first, index + 1).date() <= until:
        index += 1
    return index


# --- Reads ------------------------------------------------------------------------------------


def series_get(*, user, series_id) -> Series:
    """A series its customer (or an admin) may see; 404 otherwise."""
    series = Series.objects.filter(pk=series_id).first()
    if series is None or not (user.is_admin or series.customer_id == user.pk):
        raise NotFound(gettext("No such series."))
    return series


def _lock(series_id, actor) -> Series:
    ensure_active(actor)
    series = Series.objects.select_for_update().filter(pk=series_id).first()
    if series is None or not (actor.is_admin or series.customer_id == actor.pk):
        raise NotFound(gettext("No such series."))
    return series


# --- Writes -----------------------------------------------------------------------------------


def series_create(*, customer, request_id, frequency, until=None, count=None) -> Series:
    """Repeat the customer's household booking ``request_id``."""
    ensure_active(customer)
    with transaction.atomic():
        first = service_request_lock(request_id=request_id, visible_to=customer)
        if first.customer_id != customer.pk:
            raise NotAllowed(gettext("Only the customer who booked it may repeat this booking."))
        if first.service.is_dispatch or first.scheduled_for is None or first.status not in SERIES_STATUSES:
            raise InvalidTransition(
                gettext("Cannot repeat this request: it is %(status)s or has no time.")
                % {"status": status_word(first.status)}
            )
        if SeriesOccurrence.objects.filter(request=first).exists():
            raise Conflict(gettext("This booking already repeats."), code="already_in_series")
        errors: dict[str, list[str]] = {}
        if frequency not in Frequency.values:
            errors["frequency"] = [
                gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(Frequency.values)}
            ]
        if until is None and count is None:
            errors["until"] = [gettext("Give an end: a date (until) or a number of times (count).")]
        elif until is not None and count is not None:
            errors["until"] = [gettext("Give either a date (until) or a number of times (count), not both.")]
        elif count is not None and not 2 <= count <= MAX_OCCURRENCES:
            errors["count"] = [gettext("From 2 to %(count)s times.") % {"count": MAX_OCCURRENCES}]
        elif until is not None and until <= timezone.localtime(first.scheduled_for).date():
            errors["until"] = [gettext("The end must be after the first booking.")]
        elif (
            until is not None
            and not errors
            and _last_index(frequency, first.scheduled_for, until=until) >= (MAX_OCCURRENCES)
        ):
            errors["until"] = [
                gettext("At most %(count)s times: choose an earlier end.") % {"count": MAX_OCCURRENCES}
            ]
        if errors:
            raise ValidationFailed(gettext("Invalid input."), errors=errors)
        series = Series.objects.create(
            customer=customer, frequency=frequency, starts_at=first.scheduled_for, until=until, count=count
        )
        SeriesOccurrence.objects.create(series=series, index=0, request=first)
    series_extend(series_ids=[series.pk])
    return series


def _last_professional(series: Series):
    """The professional of the latest occurrence that had one (None when nobody did yet)."""
    last = (
        SeriesOccurrence.objects.filter(series=series, request__professional__isnull=False)
        .select_related("request__professional")
        .order_by("-index")
        .first()
    )
    return last.request.professional if last is not None else None


def _book(series: Series, occurrence: SeriesOccurrence | None, index: int, start: datetime) -> bool:
    template = (
        SeriesOccurrence.objects.filter(series=series, request__isnull=False)
        .select_related("request__service")
        .order_by("index")
        .first()
        .request
    )
    if occurrence is None:
        occurrence = SeriesOccurrence(series=series, index=index)
    try:
        created = service_request_create(
            customer=series.customer,
            service=template.service,
            description=template.description,
            address=template.address,
            pin_code=template.pin_code,
            latitude=template.latitude,
            longitude=template.longitude,
            scheduled_for=start,
            remarks=template.remarks,
            first_offer_to=_last_professional(series),
        )
    except ServiceError as exc:
        occurrence.problem = str(exc.detail)[:255]
        occurrence.save()
        return False
    occurrence.request = created
    occurrence.save()
    return True


def series_extend(*, now=None, series_ids=None) -> int:
    """Book every occurrence due within SERIES_AHEAD_DAYS; returns how many were booked."""
    now = now or timezone.now()
    ahead = now + timedelta(days=settings.SERIES_AHEAD_DAYS)
    active = Series.objects.filter(ended_at__isnull=True, starts_at__lte=ahead)
    if series_ids is not None:
        active = active.filter(pk__in=series_ids)
    booked = 0
    for series_id in active.values_list("pk", flat=True):
        with transaction.atomic():
            series = Series.objects.select_for_update().get(pk=series_id)
            if series.ended_at is not None:
                continue
            known = {occurrence.index: occurrence for occurrence in series.occurrences.all()}
            last = _last_index(series.frequency, series.starts_at, until=series.until, count=series.count)
            for index in range(1, min(last, MAX_OCCURRENCES - 1) + 1):
                occurrence = known.get(index)
                if occurrence is not None and (
                    occurrence.request_id or occurrence.skipped or occurrence.problem
                ):
                    continue
                when = occurrence_start(series.frequency, series.starts_at, index)
                if occurrence is not None and occurrence.moved_to:
                    when = occurrence.moved_to  # a changed one is due by its new time
                if not now < when <= ahead:
                    continue
                booked += _book(series, occurrence, index, when)
    return booked


def _future_index(series: Series, index) -> int:
    try:
        index = int(index)
    except (TypeError, ValueError) as exc:
        raise NotFound(gettext("No such occurrence.")) from exc
    last = _last_index(series.frequency, series.starts_at, until=series.until, count=series.count)
    if not 1 <= index <= last:
        raise NotFound(gettext("No such occurrence."))
    if series.ended_at is not None:
        raise Conflict(gettext("The series has ended."), code="series_ended")
    return index


def series_skip(*, series_id, index, actor) -> SeriesOccurrence:
    """Leave one occurrence out; one already booked is cancelled (the cancellation policy applies)."""
    with transaction.atomic():
        series = _lock(series_id, actor)
        index = _future_index(series, index)
        occurrence, _ = SeriesOccurrence.objects.get_or_create(series=series, index=index)
        if occurrence.request_id and occurrence.request.status in SERIES_STATUSES:
            service_request_cancel(
                request_id=occurrence.request_id, actor=actor, reason="Skipped in the series."
            )
        occurrence.skipped = True
        occurrence.save(update_fields=["skipped"])
    return occurrence


def series_change(*, series_id, index, actor, scheduled_for) -> SeriesOccurrence:
    """Move one occurrence: a booked one is rescheduled; a later one is booked at the new time."""
    with transaction.atomic():
        series = _lock(series_id, actor)
        index = _future_index(series, index)
        occurrence, _ = SeriesOccurrence.objects.get_or_create(series=series, index=index)
        if occurrence.skipped:
            raise Conflict(gettext("That occurrence is skipped."), code="occurrence_skipped")
        if occurrence.request_id:
            service_request_reschedule(
                request_id=occurrence.request_id, actor=actor, scheduled_for=scheduled_for
            )
            return occurrence
        errors: dict[str, list[str]] = {}
        if scheduled_for is None:
            errors["scheduled_for"] = [gettext("Choose the new time.")]
        elif scheduled_for <= timezone.now():
            errors["scheduled_for"] = [gettext("That time is in the past.")]
        elif not is_aligned(scheduled_for):
            errors["scheduled_for"] = [
                gettext("Choose a start on the %(minutes)s-minute grid.")
                % {"minutes": settings.SLOT_STEP_MINUTES}
            ]
        if errors:
            raise ValidationFailed(gettext("Invalid input."), errors=errors)
        occurrence.moved_to, occurrence.problem = scheduled_for, ""
        occurrence.save(update_fields=["moved_to", "problem"])
    return occurrence


def series_end(*, series_id, actor) -> Series:
    with transaction.atomic():
        series = _lock(series_id, actor)
        if series.ended_at is None:
            series.ended_at = timezone.now()
            series.save(update_fields=["ended_at"])
    return series
