"""The request page's schedule parts: ``{% cancellation_terms request as terms %}`` (the fee
before confirming) and ``{% schedule_panel request %}`` (moving a booking: the customer picks
a free slot or answers a proposed time; the assigned professional proposes one)."""

from datetime import timedelta

from django import template
from django.conf import settings
from django.utils import timezone

from requests_app.models import Status
from requests_app.schedule import proposals, reschedule, slots
from requests_app.schedule.cancellation import terms_for
from requests_app.schedule.models import Frequency, SeriesOccurrence
from requests_app.schedule.series import SERIES_STATUSES, occurrence_start

register = template.Library()

# The page lists this many free slots to move to (the API lists them all).
SLOTS_SHOWN = 48


@register.simple_tag
def cancellation_terms(service_request):
    return terms_for(service_request)


def _free_slots(service_request, *, professional_ids=None):
    found = slots.slots_for(
        service=service_request.service,
        pin_code=service_request.pin_code,
        first_day=timezone.localdate(),
        days=settings.BOOKING_HORIZON_DAYS + 1,
        professional_ids=professional_ids,
    )
    return [slot for slot in found if slot.start != service_request.scheduled_for][:SLOTS_SHOWN]


@register.inclusion_tag("requests_app/_schedule_panel.html", takes_context=True)
def schedule_panel(context, service_request):
    user = context["request"].user
    household = not service_request.service.is_dispatch and service_request.scheduled_for is not None
    is_owner = service_request.customer_id == user.pk
    is_assigned = service_request.professional_id == user.pk
    panel = {"sr": service_request, "csrf_token": context.get("csrf_token"), "show": False}
    if not household:
        return panel
    cutoff = service_request.scheduled_for - timedelta(hours=settings.RESCHEDULE_CUTOFF_HOURS)
    if is_owner and service_request.status in reschedule.RESCHEDULABLE and timezone.now() < cutoff:
        panel["reschedule_slots"] = _free_slots(service_request)
        panel["show"] = True
    if is_owner or is_assigned:
        panel["proposal"] = proposals.pending_for(service_request)
        panel["show"] = panel["show"] or panel["proposal"] is not None
    panel["is_owner"] = is_owner
    if is_owner:
        part = _series_part(service_request)
        panel.update(part)
        panel["show"] = panel["show"] or bool(part.get("series") or part.get("repeat_frequencies"))
    if is_assigned and service_request.status == Status.ASSIGNED:
        panel["propose_slots"] = _free_slots(service_request, professional_ids=[user.pk])
        panel["show"] = True
    return panel


def _series_part(service_request) -> dict:
    """The series this booking belongs to, with its coming times; or a form to start one."""
    occurrence = SeriesOccurrence.objects.filter(request=service_request).select_related("series").first()
    if occurrence is None:
        may_repeat = service_request.status in SERIES_STATUSES
        return {"repeat_frequencies": Frequency.choices if may_repeat else None}
    series = occurrence.series
    known = {row.index: row for row in series.occurrences.all()}
    last = series.count - 1 if series.count else len(known) + 8
    coming = []
    for index in range(1, min(last, 51) + 1):
        row = known.get(index)
        start = (
            row.moved_to
            if row and row.moved_to
            else occurrence_start(series.frequency, series.starts_at, index)
        )
        if series.until and start.date() > series.until:
            break
        if start > timezone.now():
            coming.append({"index": index, "start": start, "row": row})
    return {"series": series, "coming": coming[:8]}
