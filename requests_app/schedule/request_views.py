"""The request page's schedule forms: the customer moves a booking to a free slot and answers a
proposed time; the assigned professional proposes one. Thin: each calls one service."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from householdsvc.core import errors
from requests_app.schedule import proposals, reschedule, series
from requests_app.schedule.models import Frequency
from requests_app.views.common import invalid_form, member_required, perform


class SlotChoiceForm(forms.Form):
    scheduled_for = forms.DateTimeField(label=_("New time"))
    note = forms.CharField(max_length=255, required=False, label=_("Why? (optional)"))


def _slot_write(request, pk: int, success: str, write, *, with_note=False, **kwargs):
    form = SlotChoiceForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, pk, form)
    if with_note:
        kwargs["note"] = form.cleaned_data["note"]
    return perform(request, pk, success, write, scheduled_for=form.cleaned_data["scheduled_for"], **kwargs)


@require_POST
@member_required
def request_reschedule(request, pk: int):
    return _slot_write(
        request, pk, _("Your booking was moved."), reschedule.service_request_reschedule, actor=request.user
    )


@require_POST
@member_required
def request_propose_time(request, pk: int):
    return _slot_write(
        request,
        pk,
        _("You proposed another time; the customer will accept or decline it."),
        proposals.time_propose,
        with_note=True,
        professional=request.user,
    )


@require_POST
@member_required
def proposal_accept(request, pk: int):
    return perform(
        request,
        pk,
        _("The booking moved to the proposed time."),
        proposals.time_proposal_accept,
        customer=request.user,
    )


@require_POST
@member_required
def proposal_decline(request, pk: int):
    return perform(
        request, pk, _("You kept the booked time."), proposals.time_proposal_decline, customer=request.user
    )


class RepeatForm(forms.Form):
    frequency = forms.ChoiceField(choices=Frequency.choices)
    count = forms.IntegerField(required=False, min_value=2, max_value=52, label=_("Times in all"))
    until = forms.DateField(
        required=False, label=_("…or until"), widget=forms.DateInput(attrs={"type": "date"})
    )


def _series_write(request, pk: int, success: str, write, **kwargs):
    try:
        write(actor=request.user, **kwargs)
    except errors.NotFound as exc:
        raise Http404(exc.detail) from exc
    except errors.ServiceError as exc:
        messages.error(request, _first_message(exc))
    else:
        messages.success(request, success)
    return redirect("requests_app:detail", pk=pk)


def _first_message(exc) -> str:
    for field_messages in (exc.errors or {}).values():
        return str(field_messages[0])
    return exc.detail


@require_POST
@member_required
def series_start(request, pk: int):
    form = RepeatForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, pk, form)

    def write(actor, **data):
        return series.series_create(customer=actor, request_id=pk, **data)

    return _series_write(request, pk, "The booking now repeats.", write, **form.cleaned_data)


@require_POST
@member_required
def series_skip(request, pk: int, series_id: int, index: int):
    return _series_write(
        request, pk, "That time was skipped.", series.series_skip, series_id=series_id, index=index
    )


@require_POST
@member_required
def series_end(request, pk: int, series_id: int):
    return _series_write(request, pk, "The series has ended.", series.series_end, series_id=series_id)
