"""Every write of the schedule: a professional's week of working hours, their time off, and
the hold a job puts on the professional's time when they accept it or are assigned it.

A professional manages their own schedule; an admin may manage anybody's. Bad input is a 400
naming the field, and nothing is written: the checks all run before the first write.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from itertools import pairwise

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework.fields import DateTimeField

from accounts.models import Role
from householdsvc.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from requests_app.models import HOLDING_STATUSES, ServiceRequest, Status
from requests_app.schedule import slots
from requests_app.schedule.models import TimeOff, Weekday, WorkingHours
from requests_app.schedule.slot_counts import hours_changed

# A time off starting a few minutes ago is a form filled in slowly, not one in the past.
PAST_GRACE = timedelta(minutes=5)
REASON_MAX_LENGTH = TimeOff._meta.get_field("reason").max_length
# More than this many ranges in a week is a mistake (or an attack), not a working pattern.
MAX_RANGES = 7 * 6


def _ensure_may_manage(actor, professional) -> None:
    if not actor.is_active:
        raise NotAllowed(gettext("This account is blocked."), code="account_blocked")
    if actor.is_admin:
        if professional.role != Role.PROFESSIONAL:
            raise ValidationFailed(
                gettext("Invalid input."),
                errors={"professional": [gettext("This user is not a professional.")]},
            )
        return
    if actor.pk != professional.pk or actor.role != Role.PROFESSIONAL:
        raise NotAllowed(gettext("Only the professional, or an admin, may change these working hours."))


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def check_week(ranges) -> list[tuple[int, time, time]]:
    """(weekday, start, end) triples, sorted; ValidationFailed on inverted or overlapping ones."""
    problems: list[str] = []
    cleaned: list[tuple[int, time, time]] = []
    ranges = list(ranges)
    if len(ranges) > MAX_RANGES:
        raise ValidationFailed(
            gettext("Invalid input."),
            errors={"ranges": [gettext("At most %(count)s ranges a week.") % {"count": MAX_RANGES}]},
        )
    for entry in ranges:
        weekday, starts_at, ends_at = (
            (entry["weekday"], entry["starts_at"], entry["ends_at"]) if isinstance(entry, dict) else entry
        )
        if weekday not in Weekday.values:
            problems.append(
                gettext("Unknown weekday %(weekday)s: 0 (Monday) to 6 (Sunday).") % {"weekday": repr(weekday)}
            )
            continue
        if not isinstance(starts_at, time) or not isinstance(ends_at, time):
            problems.append(
                gettext("%(weekday)s: give the start and end as times of day.")
                % {"weekday": Weekday(weekday).label}
            )
            continue
        starts_at, ends_at = starts_at.replace(tzinfo=None), ends_at.replace(tzinfo=None)
        if ends_at <= starts_at:
            problems.append(
                gettext(
                    "%(weekday)s: %(starts_at)s-%(ends_at)s ends before it starts "
                    "(a range cannot run past midnight)."
                )
                % {
                    "weekday": Weekday(weekday).label,
                    "starts_at": _hhmm(starts_at),
                    "ends_at": _hhmm(ends_at),
                }
            )
            continue
        cleaned.append((weekday, starts_at, ends_at))
    cleaned.sort()
    for (day_a, start_a, end_a), (day_b, start_b, end_b) in pairwise(cleaned):
        if day_a == day_b and start_b < end_a:
            problems.append(
                gettext("%(day_a)s: %(start_a)s-%(end_a)s overlaps %(start_b)s-%(end_b)s.")
                % {
                    "day_a": Weekday(day_a).label,
                    "start_a": _hhmm(start_a),
                    "end_a": _hhmm(end_a),
                    "start_b": _hhmm(start_b),
                    "end_b": _hhmm(end_b),
                }
            )
    if problems:
        raise ValidationFailed(gettext("Invalid input."), errors={"ranges": problems})
    return cleaned


def working_hours_set(*, professional, actor, ranges) -> list[WorkingHours]:
    """Replace the professional's whole week with ``ranges`` (dicts or triples of weekday,
    start and end, wall-clock times in the site's time zone). Jobs already held are kept."""
    _ensure_may_manage(actor, professional)
    cleaned = check_week(ranges)
    with transaction.atomic():
        WorkingHours.objects.filter(professional=professional).delete()
        # bulk_create sends no signal: the slots' cached patterns are moved on here.
        hours_changed()
        return WorkingHours.objects.bulk_create(
            WorkingHours(professional=professional, weekday=day, starts_at=start, ends_at=end)
            for day, start, end in cleaned
        )


def check_time_off(starts_at, ends_at, reason="") -> tuple[dict, str]:
    """The aware start and end and the trimmed reason; ValidationFailed naming the bad fields."""
    errors: dict[str, list[str]] = {}
    values = {}
    for field, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not isinstance(value, datetime):
            errors[field] = [gettext("Enter a date and time.")]
            continue
        values[field] = timezone.make_aware(value) if timezone.is_naive(value) else value
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = [gettext("At most %(count)s characters.") % {"count": REASON_MAX_LENGTH}]
    if "starts_at" in values and values["starts_at"] < timezone.now() - PAST_GRACE:
        errors["starts_at"] = [gettext("Time off cannot start in the past.")]
    if len(values) == 2 and values["ends_at"] <= values["starts_at"]:
        errors["ends_at"] = [gettext("The end must come after the start.")]
    if errors:
        raise ValidationFailed(gettext("Invalid input."), errors=errors)
    return values, reason


def time_off_add(*, professional, actor, starts_at, ends_at, reason="") -> TimeOff:
    """The professional is away from ``starts_at`` to ``ends_at`` (aware or site-local)."""
    _ensure_may_manage(actor, professional)
    values, reason = check_time_off(starts_at, ends_at, reason)
    return TimeOff.objects.create(professional=professional, reason=reason, **values)


def time_off_delete(*, time_off_id, actor) -> None:
    try:
        time_off = TimeOff.objects.select_related("professional").get(pk=int(time_off_id))
    except (TimeOff.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(gettext("No such time off.")) from exc
    if not (actor.is_admin or time_off.professional_id == actor.pk):
        raise NotFound(gettext("No such time off."))
    _ensure_may_manage(actor, time_off.professional)
    time_off.delete()


# --- A job holds the professional's time ---------------------------------------------------


def job_range(service_request: ServiceRequest, *, now=None) -> tuple[datetime, datetime] | None:
    """The time a job holds its professional: the booked slot of a household job; for roadside
    help, from now (the accept) to the estimated end. None for a household job with no time."""
    duration = timedelta(minutes=service_request.service.time_required_minutes)
    if service_request.service.is_dispatch:
        start = now or timezone.now()
        return start, start + duration
    if service_request.scheduled_for is None:
        return None
    return service_request.scheduled_for, service_request.scheduled_for + duration


def hold_for(*, service_request: ServiceRequest, professional) -> list[str]:
    """Before ``service_request`` (locked by the caller) is given to ``professional``: check
    they are free for its time and set its held range; returns the fields to save.

    The professional's user row is locked first, so two jobs being given to the same person at
    once are checked one after the other (each sees the other's hold once it commits). On
    PostgreSQL the exclusion constraint backs this up; on SQLite the lock is all there is.
    """
    held = job_range(service_request)
    if held is None:
        service_request.busy_from = service_request.busy_until = None
        return ["busy_from", "busy_until"]
    start, end = held
    get_user_model().objects.select_for_update().filter(pk=professional.pk).first()
    overlapping = (
        ServiceRequest.objects.filter(
            professional_id=professional.pk,
            status__in=HOLDING_STATUSES,
            busy_from__lt=end,
            busy_until__gt=start,
        )
        .exclude(pk=service_request.pk)
        .exists()
    )
    if overlapping:
        raise Conflict(
            gettext("The professional already holds a job at that time."),
            code="overlapping_job",
        )
    if not service_request.service.is_dispatch and not slots.is_free(professional.pk, start=start, end=end):
        raise Conflict(
            gettext("The professional does not work at that time (working hours or time off)."),
            code="not_available",
        )
    service_request.busy_from, service_request.busy_until = start, end
    return ["busy_from", "busy_until"]


# --- Booking takes a slot ------------------------------------------------------------------


class SlotTaken(Conflict):
    """409: nobody is free at the chosen time any more; the body lists the next free slots."""

    code = "slot_taken"

    def __init__(self, detail: str, *, next_slots: list):
        super().__init__(detail)
        # The same ISO 8601 form, in the site's time zone, as the slots endpoint.
        as_text = DateTimeField().to_representation
        self.extra = {
            "next_slots": [
                {
                    "start": as_text(slot.start),
                    "end": as_text(slot.end),
                    "free_professionals": slot.free_professionals,
                }
                for slot in next_slots
            ]
        }


def check_slot_time(scheduled_for: datetime, errors: dict, *, now=None) -> None:
    """A household job's time must be a slot: on the grid, not past, within the horizon."""
    now = now or timezone.now()
    if scheduled_for < now:
        errors["scheduled_for"] = [gettext("That time is in the past.")]
    elif scheduled_for >= slots.horizon_end(now):
        errors["scheduled_for"] = [
            gettext("Bookings open at most %(days)s days ahead.") % {"days": settings.BOOKING_HORIZON_DAYS}
        ]
    elif not slots.is_aligned(scheduled_for):
        errors["scheduled_for"] = [
            gettext("Choose a start on the %(minutes)s-minute grid (e.g. 10:00, 10:30).")
            % {"minutes": settings.SLOT_STEP_MINUTES}
        ]


class SlotFull(SlotTaken):
    """409: professionals are free then, but other bookings waiting for one already claim them all."""

    code = "slot_full"


# The first key of the advisory locks taken for bookings (the second is the service and pin code).
SLOT_LOCK_NAMESPACE = 9_041


def lock_slots(*, service, pin_code: str) -> None:
    """In the caller's transaction: one booking of ``service`` in ``pin_code`` is checked and
    written at a time (a professional serves one pin code, so the pair is who may take it).
    PostgreSQL: a transaction-scoped advisory lock. SQLite: a write to the service's row, which
    takes the database's write lock at once (SQLite ignores ``SELECT ... FOR UPDATE``)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                [SLOT_LOCK_NAMESPACE, f"{service.pk}:{pin_code}"],
            )
    else:
        pk_name = type(service)._meta.pk.name
        type(service).objects.filter(pk=service.pk).update(**{pk_name: F(pk_name)})


def pending_bookings(*, service, pin_code: str, start, end, exclude_request_id=None) -> int:
    """Bookings of ``service`` in ``pin_code`` nobody holds yet whose time overlaps [start, end):
    each will need one of the professionals free then."""
    duration = timedelta(minutes=service.time_required_minutes)
    waiting = ServiceRequest.objects.filter(
        service_id=service.pk,
        pin_code=pin_code,
        status=Status.REQUESTED,
        professional__isnull=True,
        scheduled_for__lt=end,
        scheduled_for__gt=start - duration,
    )
    if exclude_request_id is not None:
        waiting = waiting.exclude(pk=exclude_request_id)
    return waiting.count()


def ensure_bookable(*, service, pin_code: str, start: datetime, exclude_request_id=None) -> None:
    """In the caller's transaction, under ``lock_slots``: 409 ``slot_taken`` unless a suitable
    professional is free for the whole job from ``start``, and 409 ``slot_full`` when the
    bookings already waiting for that time claim every one of them."""
    lock_slots(service=service, pin_code=pin_code)
    end = start + timedelta(minutes=service.time_required_minutes)
    candidates = slots.suitable_professionals(service=service, pin_code=pin_code)
    free = slots.professionals_free(candidates, start=start, end=end, exclude_request_id=exclude_request_id)
    free_count = free.count()
    if not free_count:
        raise SlotTaken(
            gettext("Nobody is free at that time any more; choose another slot."),
            next_slots=slots.next_free_slots(service=service, pin_code=pin_code, after=start),
        )
    waiting = pending_bookings(
        service=service, pin_code=pin_code, start=start, end=end, exclude_request_id=exclude_request_id
    )
    if waiting >= free_count:
        raise SlotFull(
            gettext(
                "Every professional free at that time is already asked for by other bookings; "
                "choose another slot."
            ),
            next_slots=slots.next_free_slots(service=service, pin_code=pin_code, after=start),
        )
