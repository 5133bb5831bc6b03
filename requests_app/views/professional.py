"""The professional's pages: the offers open to them, their jobs, and the transitions they
make from the request page."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from requests_app import selectors, services
from requests_app.forms import CompleteForm, RejectForm
from requests_app.models import Status
from requests_app.offer_pages import offers_page_context
from requests_app.schedule.release import service_request_release
from requests_app.views.common import filtered, invalid_form, member_required, page, perform, require_role


@member_required
def offer_list(request):
    """Open requests offered to this professional: the area, never the exact address."""
    require_role(request, "professional")
    queryset = selectors.service_request_list(user=request.user).filter(
        status=Status.REQUESTED, professional__isnull=True
    )
    context = {**page(request, queryset), **offers_page_context(request)}
    return render(request, "requests_app/offers.html", context)


@member_required
def job_list(request):
    """Requests assigned to this professional, open ones first by default filter."""
    require_role(request, "professional")
    queryset = selectors.professional_job_list(user=request.user)
    queryset, status_select, status = filtered(request, queryset)
    context = {"status_select": status_select, "status": status, **page(request, queryset)}
    return render(request, "requests_app/jobs.html", context)


def _professional_action(action_name: str, success: str):
    def view(request, pk: int):
        require_role(request, "professional")
        write = getattr(services, f"service_request_{action_name}")
        return perform(request, pk, success, write, professional=request.user)

    view.__name__ = f"request_{action_name}"
    view.__doc__ = f"The professional's {action_name} transition, from the job page."
    return require_POST(member_required(view))


request_accept = _professional_action("accept", _("You accepted the job. The customer's details are below."))
request_start = _professional_action("start", _("On your way: the customer can follow you."))


@require_POST
@member_required
def request_arrive(request, pk: int):
    """The professional arrives, with the start code the customer reads out."""
    require_role(request, "professional")
    return perform(
        request,
        pk,
        _("Marked as arrived."),
        services.service_request_arrive,
        professional=request.user,
        start_code=request.POST.get("start_code", ""),
    )


@require_POST
@member_required
def request_reject(request, pk: int):
    require_role(request, "professional")
    form = RejectForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, pk, form)
    # Once turned down the request is no longer offered, so its page would be a 404.
    return perform(
        request,
        pk,
        _("You turned the offer down; it will not be offered to you again."),
        services.service_request_reject,
        then="requests_app:offers",
        professional=request.user,
        note=form.cleaned_data["note"],
    )


@require_POST
@member_required
def request_complete(request, pk: int):
    require_role(request, "professional")
    form = CompleteForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, pk, form)
    return perform(
        request,
        pk,
        _("The job is complete."),
        services.service_request_complete,
        professional=request.user,
        final_price=form.cleaned_data["final_price"],
        price_reason=form.cleaned_data["price_reason"],
    )


@require_POST
@member_required
def request_release(request, pk: int):
    require_role(request, "professional")
    form = RejectForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, pk, form)
    # Released, the job is offered to others and no longer to this professional.
    return perform(
        request,
        pk,
        _("You gave the job back; it is offered to other professionals."),
        service_request_release,
        then="requests_app:jobs",
        professional=request.user,
        note=form.cleaned_data["note"],
    )
