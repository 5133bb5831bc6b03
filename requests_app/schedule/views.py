"""The professional's schedule page: working week and time off, through the schedule services."""

from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from householdsvc.core import errors
from requests_app.schedule import calendar, selectors, services
from requests_app.schedule.forms import TimeOffForm, WorkingWeekForm


def _apply(form, exc: errors.ServiceError) -> None:
    for field, field_messages in (exc.errors or {}).items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, str(message))
    if not exc.errors:
        form.add_error(None, exc.detail)


@login_required
def schedule_page(request):
    if not request.user.is_professional:
        raise PermissionDenied
    owner = request.user
    week = list(selectors.working_hours_list(user=owner).values_list("weekday", "starts_at", "ends_at"))
    week_form = WorkingWeekForm(week=week)
    time_off_form = TimeOffForm()
    if request.method == "POST" and "save_week" in request.POST:
        week_form = WorkingWeekForm(request.POST, week=week)
        if week_form.is_valid():
            try:
                services.working_hours_set(professional=owner, actor=owner, ranges=week_form.ranges())
            except errors.ServiceError as exc:
                _apply(week_form, exc)
            else:
                messages.success(request, _("Your working hours were saved."))
                return redirect("requests_app:schedule")
    elif request.method == "POST" and "add_time_off" in request.POST:
        time_off_form = TimeOffForm(request.POST)
        if time_off_form.is_valid():
            try:
                services.time_off_add(professional=owner, actor=owner, **time_off_form.cleaned_data)
            except errors.ServiceError as exc:
                _apply(time_off_form, exc)
            else:
                messages.success(request, _("Your time off was added."))
                return redirect("requests_app:schedule")
    context = {
        "week_form": week_form,
        "time_off_form": time_off_form,
        "time_off": selectors.time_off_list(user=owner),
        "time_zone": settings.TIME_ZONE,
        "calendar_url": calendar.calendar_feed_url(professional=owner),
    }
    return render(request, "requests_app/schedule.html", context)


@require_POST
@login_required
def time_off_delete(request, pk: int):
    try:
        services.time_off_delete(time_off_id=pk, actor=request.user)
    except errors.ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The time off was removed."))
    return redirect("requests_app:schedule")


@login_required
def week_page(request):
    """The professional's week: household slots and roadside jobs on one calendar."""
    if not request.user.is_professional:
        raise PermissionDenied
    today = timezone.localdate()
    try:
        first_day = date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        first_day = today - timedelta(days=today.weekday())
    context = {
        "week": selectors.week_of_jobs(user=request.user, first_day=first_day),
        "previous": first_day - timedelta(days=7),
        "next": first_day + timedelta(days=7),
        "time_zone": settings.TIME_ZONE,
    }
    return render(request, "requests_app/week.html", context)


def calendar_feed(request, token: str):
    """The iCalendar feed: no login, the signed token in the URL is the key."""
    try:
        professional = calendar.feed_owner(token)
    except errors.NotFound as exc:
        raise Http404(exc.detail) from exc
    return HttpResponse(calendar.calendar_for(professional), content_type="text/calendar; charset=utf-8")


@require_POST
@login_required
def calendar_feed_new(request):
    if not request.user.is_professional:
        raise PermissionDenied
    calendar.calendar_feed_revoke(professional=request.user)
    messages.success(request, _("A new calendar link was made; the old one no longer works."))
    return redirect("requests_app:schedule")
