"""Back-office pages beyond Django's own: the dashboard and the intermediate pages of the assign
and cancel actions.

Every change goes through ``requests_app.services``; a refusal is reported per request as an
error message and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.forms.models import ModelChoiceIterator
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from householdsvc.core.errors import ServiceError
from requests_app import services
from requests_app.selectors import professionals_suitable_for

# An assignment or a cancellation is a decision about each request; a page of 50 is plenty,
# and it keeps "select all 1,000,000" from loading them all.
MAX_ACTION_SELECTION = 50
# How many suitable professionals the assign page lists per request (best first).
SUITABLE_SHOWN = 100


# --- Action plumbing -----------------------------------------------------------------------


def _selection(model_admin, request, queryset):
    """The selected requests (at most MAX_ACTION_SELECTION), or ``None`` after telling why not."""
    selection = list(
        queryset.select_related("service", "customer", "professional")[: MAX_ACTION_SELECTION + 1]
    )
    if len(selection) > MAX_ACTION_SELECTION:
        model_admin.message_user(
            request,
            _("Select at most %(count)s requests for this action.") % {"count": MAX_ACTION_SELECTION},
            level=messages.ERROR,
        )
        return None
    return selection


def describe_error(error: ServiceError) -> str:
    """A service refusal in words: its detail, then any field messages."""
    details = [message for field_messages in error.errors.values() for message in field_messages]
    return " ".join([error.detail, *details]) if details else error.detail


def _apply(model_admin, request, work: list[tuple[int, Callable]], done_message: Callable) -> None:
    """Run each request's service call on its own, reporting every refusal and the successes."""
    done = 0
    for request_id, call in work:
        try:
            call()
        except ServiceError as error:
            model_admin.message_user(
                request,
                _("Request #%(number)s: %(error)s") % {"number": request_id, "error": describe_error(error)},
                messages.ERROR,
            )
        else:
            done += 1
    if done:
        model_admin.message_user(request, done_message(done), messages.SUCCESS)


def _intermediate_page(model_admin, request, selection, *, action, title, form, template):
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "action_name": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "service_requests": selection,
        "form": form,
        "rows": [
            (service_request, form[f"professional_{service_request.pk}"]) for service_request in selection
        ]
        if isinstance(form, AssignForm)
        else None,
        "media": model_admin.media,
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, template, context)


# --- Assign ---------------------------------------------------------------------------------


class FirstChoicesIterator(ModelChoiceIterator):
    """Lists only the best SUITABLE_SHOWN professionals; a submitted choice is still checked
    against the whole suitable queryset by ``ModelChoiceField``."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for professional in self.queryset[:SUITABLE_SHOWN]:
            yield self.choice(professional)

    def __len__(self):
        return min(self.queryset.count(), SUITABLE_SHOWN) + (1 if self.field.empty_label is not None else 0)


class SuitableProfessionalField(forms.ModelChoiceField):
    iterator = FirstChoicesIterator

    def label_from_instance(self, professional):
        profile = professional.professional_profile
        label = (
            f"{professional.full_name} <{professional.email}> — pin {profile.pin_code or '?'}, "
            f"{profile.average_rating}★ ({profile.rating_count})"
        )
        distance = getattr(professional, "distance_km", None)
        if distance is not None:
            label += f" — {distance:.1f} km away"
        if getattr(professional, "has_rejected", False):
            label += " — turned this request down"
        return label


class AssignForm(forms.Form):
    """One choice per selected request, among the professionals suitable for it."""

    def __init__(self, *args, service_requests, **kwargs):
        super().__init__(*args, **kwargs)
        for service_request in service_requests:
            self.fields[f"professional_{service_request.pk}"] = SuitableProfessionalField(
                queryset=professionals_suitable_for(service_request=service_request),
                required=False,
                empty_label=_("— leave as it is —"),
                label=_("Request #%(number)s") % {"number": service_request.pk},
            )

    def choices_made(self):
        return [
            (int(name.removeprefix("professional_")), professional)
            for name, professional in self.cleaned_data.items()
            if professional is not None
        ]


def assign_action(model_admin, request, queryset):
    """Intermediate page: pick a suitable professional for each request, then assign them."""
    selection = _selection(model_admin, request, queryset)
    if selection is None:
        return None
    form = AssignForm(request.POST if "apply" in request.POST else None, service_requests=selection)
    if form.is_bound and form.is_valid():
        choices = form.choices_made()
        if not choices:
            model_admin.message_user(
                request, _("No professional was chosen; nothing changed."), messages.WARNING
            )
            return None
        work = [
            (
                request_id,
                lambda request_id=request_id, professional=professional: services.service_request_assign(
                    request_id=request_id, professional=professional, actor=request.user
                ),
            )
            for request_id, professional in choices
        ]
        _apply(
            model_admin,
            request,
            work,
            lambda n: (
                ngettext("Assigned %(count)s request.", "Assigned %(count)s requests.", n) % {"count": n}
            ),
        )
        return None
    return _intermediate_page(
        model_admin,
        request,
        selection,
        action="assign_professional",
        title="Assign a professional",
        form=form,
        template="admin/requests_app/servicerequest/assign.html",
    )


# --- Cancel ---------------------------------------------------------------------------------


class CancelForm(forms.Form):
    reason = forms.CharField(
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Shown to the customer and the professional, and kept in the audit trail."),
    )


def cancel_action(model_admin, request, queryset):
    """Intermediate page: give a reason, then cancel each selected request with it."""
    selection = _selection(model_admin, request, queryset)
    if selection is None:
        return None
    form = CancelForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        reason = form.cleaned_data["reason"]
        work = [
            (
                service_request.pk,
                lambda request_id=service_request.pk: services.service_request_cancel(
                    request_id=request_id, actor=request.user, reason=reason
                ),
            )
            for service_request in selection
        ]
        _apply(
            model_admin,
            request,
            work,
            lambda n: (
                ngettext("Cancelled %(count)s request.", "Cancelled %(count)s requests.", n) % {"count": n}
            ),
        )
        return None
    return _intermediate_page(
        model_admin,
        request,
        selection,
        action="cancel_requests",
        title="Cancel requests",
        form=form,
        template="admin/requests_app/servicerequest/cancel.html",
    )


# --- Dashboard ------------------------------------------------------------------------------
