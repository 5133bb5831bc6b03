"""The request page's schedule forms: the customer moves a booking to a free slot and answers a
proposed time; the assigned professional proposes one. Thin: each calls one service."""

from django import forms
from django.views.decorators.http import require_POST

from requests_app.schedule import proposals, reschedule
from requests_app.views.common import invalid_form, member_required, perform


class SlotChoiceForm(forms.Form):
    scheduled_for = forms.DateTimeField(label="New time")
    note = forms.CharField(max_length=255, required=False, label="Why? (optional)")


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
        request, pk, "Your booking was moved.", reschedule.service_request_reschedule, actor=request.user
    )


@require_POST
@member_required
def request_propose_time(request, pk: int):
    return _slot_write(
        request,
        pk,
        "You proposed another time; the customer will accept or decline it.",
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
        "The booking moved to the proposed time.",
        proposals.time_proposal_accept,
        customer=request.user,
    )


@require_POST
@member_required
def proposal_decline(request, pk: int):
    return perform(
        request, pk, "You kept the booked time.", proposals.time_proposal_decline, customer=request.user
    )
