"""The customer's pages: their list (every request for an admin), booking, editing,
cancelling and closing a request."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.models import Service
from householdsvc.core import errors
from requests_app import selectors, services
from requests_app.forms import CancelForm, ServiceRequestEditForm, ServiceRequestForm
from requests_app.models import TRANSITIONS, Action
from requests_app.views.common import (
    apply_service_errors,
    filtered,
    invalid_form,
    member_required,
    page,
    perform,
    require_role,
    visible_request,
)


@member_required
def request_list(request):
    """ "My requests" for a customer, every request for an admin; professionals have their own
    offers and jobs pages."""
    if request.user.is_professional:
        return redirect("requests_app:offers")
    queryset, status_select, status = filtered(request, selectors.service_request_list(user=request.user))
    context = {"status_select": status_select, "status": status, **page(request, queryset)}
    return render(request, "requests_app/list.html", context)


def _bookable_services():
    # The public catalogue: any visitor may see the active services.
    return Service.objects.filter(is_active=True).order_by("name")


@member_required
def request_create(request):
    require_role(request, "customer")
    bookable = _bookable_services()
    if request.method == "POST":
        form = ServiceRequestForm(request.POST, services=bookable)
        if form.is_valid():
            data = form.cleaned_data
            try:
                service_request = services.service_request_create(
                    customer=request.user,
                    service=data["service"],
                    description=data["description"],
                    address=data["address"],
                    pin_code=data["pin_code"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    vehicle_type=data["vehicle_type"],
                    scheduled_for=data["scheduled_for"],
                    remarks=data["remarks"],
                )
            except errors.ServiceError as exc:
                apply_service_errors(form, exc)
                messages.error(request, exc.detail)
            else:
                messages.success(request, _("Your request was sent to professionals nearby."))
                return redirect("requests_app:detail", pk=service_request.pk)
    else:
        form = ServiceRequestForm(initial=_profile_defaults(request), services=bookable)
    return render(request, "requests_app/form.html", {"form": form})


def _profile_defaults(request) -> dict:
    """Book to the customer's home unless they say otherwise; ``?service=`` from the catalogue.

    Not the home's position: posted back with another address it would send the job to the
    home. The service adds it when the address is the home's."""
    initial = {}
    profile = getattr(request.user, "customer_profile", None)
    if profile is not None:
        initial.update(address=profile.address, pin_code=profile.pin_code)
    if request.GET.get("service", "").isdigit():
        initial["service"] = int(request.GET["service"])
    return initial


@member_required
def request_edit(request, pk: int):
    require_role(request, "customer")
    service_request = visible_request(request, pk)
    if service_request.status not in TRANSITIONS[Action.EDIT][0]:
        messages.error(
            request,
            _("This request is %(status)s: it can no longer be edited.")
            % {"status": service_request.get_status_display().lower()},
        )
        return redirect("requests_app:detail", pk=pk)
    form = ServiceRequestEditForm.for_request(service_request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            # Only what the customer changed: an emptied preferred time is passed as None, which
            # clears it, and an untouched one is not checked again (it may have passed since).
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            services.service_request_edit(request_id=pk, actor=request.user, **changes)
        except errors.NotFound as exc:
            raise Http404(exc.detail) from exc
        except errors.ServiceError as exc:
            apply_service_errors(form, exc)
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("Your request was updated."))
            return redirect("requests_app:detail", pk=pk)
    return render(request, "requests_app/edit.html", {"form": form, "service_request": service_request})


@require_POST
@member_required
def request_cancel(request, pk: int):
    form = CancelForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, pk, form)
    return perform(
        request,
        pk,
        _("The request was cancelled."),
        services.service_request_cancel,
        actor=request.user,
        reason=form.cleaned_data["reason"],
    )


@require_POST
@member_required
def request_close(request, pk: int):
    return perform(
        request,
        pk,
        _("The request is closed. Thank you!"),
        services.service_request_close,
        actor=request.user,
    )
