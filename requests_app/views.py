"""Web pages for service requests: customers book and follow their requests, professionals
take offers and work their jobs.

Thin on purpose: every read goes through ``requests_app.selectors`` (scoped by the acting
user) and every write through ``requests_app.services``, the same functions the API and the
back office call. A ``ServiceError`` becomes an error message on the page it came from.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from catalog.models import Service
from householdsvc.core import errors
from requests_app import selectors, services
from requests_app.forms import (
    CancelForm,
    CompleteForm,
    RejectForm,
    ReviewForm,
    ServiceRequestEditForm,
    ServiceRequestForm,
    StatusFilterForm,
)
from requests_app.models import TRACKABLE_STATUSES, TRANSITIONS, Action, Status
from requests_app.selectors import haversine_km
from reviews import selectors as review_selectors
from reviews import services as review_services
from tracking import selectors as tracking_selectors
from tracking.api.serializers import LocationPointSerializer
from tracking.services import REPORTING_STATUSES

PAGE_SIZE = 20
REVIEWABLE_STATUSES = (Status.COMPLETED, Status.CLOSED)
# The customer's page listens for status changes until nothing more can happen to the request.
WATCHED_STATUSES = (Status.REQUESTED, Status.ASSIGNED, Status.EN_ROUTE, Status.ON_SITE, Status.COMPLETED)


# --- guards ---------------------------------------------------------------------------


def member_required(view):
    """Logged in, and a professional only once an admin has approved them: until then the
    accounts pages tell them their verification is pending (or why it was rejected)."""

    @login_required
    @wraps(view)
    def guarded(request, *args, **kwargs):
        user = request.user
        if user.is_professional:
            profile = getattr(user, "professional_profile", None)
            if profile is None or not profile.is_approved:
                return redirect("accounts:pending")
        return view(request, *args, **kwargs)

    return guarded


def _require_role(request, *roles: str) -> None:
    if request.user.role not in roles:
        raise PermissionDenied


def _visible_request(request, pk: int):
    """The request as the acting user may see it; one they may not see does not exist."""
    try:
        return selectors.service_request_get(user=request.user, request_id=pk)
    except errors.NotFound as exc:
        raise Http404(exc.detail) from exc


def _perform(request, pk: int, success: str, write, *, then: str = "", **kwargs):
    """Run one service write for the request and report the outcome as a message.

    The service itself decides who may see and do what. A refused write (wrong state, not
    allowed, bad value) leaves the request as it was and says why instead of an error page.
    ``then`` names the page to go to after a success when the request's own is not the one."""
    try:
        write(request_id=pk, **kwargs)
    except errors.NotFound as exc:
        raise Http404(exc.detail) from exc
    except errors.ServiceError as exc:
        messages.error(request, exc.detail)
        return _back_to_request(request, pk)
    messages.success(request, success)
    return redirect(then) if then else _back_to_request(request, pk)


def _back_to_request(request, pk: int):
    """The request's page, or the user's list when they may no longer see the request: an offer
    another professional took while this one was deciding."""
    try:
        selectors.service_request_get(user=request.user, request_id=pk)
    except errors.NotFound:
        return redirect("requests_app:offers" if request.user.is_professional else "requests_app:list")
    return redirect("requests_app:detail", pk=pk)


def _invalid_form(request, pk: int, form):
    for field_errors in form.errors.values():
        for message in field_errors:
            messages.error(request, message)
    return redirect("requests_app:detail", pk=pk)


def _apply_service_errors(form, exc: errors.ServiceError) -> None:
    """Put a service's field errors next to the fields they name, the rest above the form."""
    placed = False
    for field, field_messages in (exc.errors or {}).items():
        for message in field_messages if isinstance(field_messages, list | tuple) else [field_messages]:
            form.add_error(field if field in form.fields else None, str(message))
            placed = True
    if not placed:
        form.add_error(None, exc.detail)


def _page(request, queryset):
    """One page of a list without counting the whole table: fetch one row more than shown to
    learn whether a next page exists (the same trade as ``householdsvc.core.api.Pagination``)."""
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except (TypeError, ValueError):
        number = 1
    offset = (number - 1) * PAGE_SIZE
    rows = list(queryset[offset : offset + PAGE_SIZE + 1])
    return {
        "rows": rows[:PAGE_SIZE],
        "page_number": number,
        "has_next": len(rows) > PAGE_SIZE,
        "has_previous": number > 1,
    }


def _filtered(request, queryset):
    form = StatusFilterForm(request.GET)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    if status:
        queryset = queryset.filter(status=status)
    return queryset, form, status


# --- customer pages -------------------------------------------------------------------


@member_required
def request_list(request):
    """ "My requests" for a customer, every request for an admin; professionals have their own
    offers and jobs pages."""
    if request.user.is_professional:
        return redirect("requests_app:offers")
    queryset, form, status = _filtered(request, selectors.service_request_list(user=request.user))
    context = {"filter_form": form, "status": status, **_page(request, queryset)}
    return render(request, "requests_app/list.html", context)


def _bookable_services():
    # The public catalogue: any visitor may see the active services.
    return Service.objects.filter(is_active=True).order_by("name")


@member_required
def request_create(request):
    _require_role(request, "customer")
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
                _apply_service_errors(form, exc)
                messages.error(request, exc.detail)
            else:
                messages.success(request, "Your request was sent to professionals nearby.")
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
    _require_role(request, "customer")
    service_request = _visible_request(request, pk)
    if service_request.status not in TRANSITIONS[Action.EDIT][0]:
        messages.error(
            request,
            f"This request is {service_request.get_status_display().lower()}: it can no longer be edited.",
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
            _apply_service_errors(form, exc)
            messages.error(request, exc.detail)
        else:
            messages.success(request, "Your request was updated.")
            return redirect("requests_app:detail", pk=pk)
    return render(request, "requests_app/edit.html", {"form": form, "service_request": service_request})


@require_POST
@member_required
def request_cancel(request, pk: int):
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _invalid_form(request, pk, form)
    return _perform(
        request,
        pk,
        "The request was cancelled.",
        services.service_request_cancel,
        actor=request.user,
        reason=form.cleaned_data["reason"],
    )


@require_POST
@member_required
def request_close(request, pk: int):
    return _perform(
        request, pk, "The request is closed. Thank you!", services.service_request_close, actor=request.user
    )


@require_POST
@member_required
def request_review(request, pk: int):
    _require_role(request, "customer")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _invalid_form(request, pk, form)
    return _perform(
        request,
        pk,
        "Thank you for your review.",
        review_services.review_create,
        customer=request.user,
        rating=form.cleaned_data["rating"],
        comment=form.cleaned_data["comment"],
    )


# --- professional pages ---------------------------------------------------------------


@member_required
def offer_list(request):
    """Open requests offered to this professional: the area, never the exact address."""
    _require_role(request, "professional")
    queryset = selectors.service_request_list(user=request.user).filter(
        status=Status.REQUESTED, professional__isnull=True
    )
    return render(request, "requests_app/offers.html", _page(request, queryset))


@member_required
def job_list(request):
    """Requests assigned to this professional, open ones first by default filter."""
    _require_role(request, "professional")
    queryset = selectors.service_request_list(user=request.user).filter(professional=request.user)
    queryset, form, status = _filtered(request, queryset)
    context = {"filter_form": form, "status": status, **_page(request, queryset)}
    return render(request, "requests_app/jobs.html", context)


def _professional_action(action_name: str, success: str):
    def view(request, pk: int):
        _require_role(request, "professional")
        write = getattr(services, f"service_request_{action_name}")
        return _perform(request, pk, success, write, professional=request.user)

    view.__name__ = f"request_{action_name}"
    view.__doc__ = f"The professional's {action_name} transition, from the job page."
    return require_POST(member_required(view))


request_accept = _professional_action("accept", "You accepted the job. The customer's details are below.")
request_start = _professional_action("start", "On your way: the customer can follow you.")
request_arrive = _professional_action("arrive", "Marked as arrived.")


@require_POST
@member_required
def request_reject(request, pk: int):
    _require_role(request, "professional")
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _invalid_form(request, pk, form)
    # Once turned down the request is no longer offered, so its page would be a 404.
    return _perform(
        request,
        pk,
        "You turned the offer down; it will not be offered to you again.",
        services.service_request_reject,
        then="requests_app:offers",
        professional=request.user,
        note=form.cleaned_data["note"],
    )


@require_POST
@member_required
def request_complete(request, pk: int):
    _require_role(request, "professional")
    form = CompleteForm(request.POST)
    if not form.is_valid():
        return _invalid_form(request, pk, form)
    return _perform(
        request,
        pk,
        "The job is complete.",
        services.service_request_complete,
        professional=request.user,
        final_price=form.cleaned_data["final_price"],
        price_reason=form.cleaned_data["price_reason"],
    )


# --- the request page, for every role -------------------------------------------------


def _allowed(service_request, action: str) -> bool:
    return service_request.status in TRANSITIONS[action][0]


@member_required
def request_detail(request, pk: int):
    """One request as the acting user may see it, with the actions open to them now."""
    user = request.user
    service_request = _visible_request(request, pk)
    is_owner = service_request.customer_id == user.pk
    is_assigned = service_request.professional_id is not None and service_request.professional_id == user.pk
    shows_customer_contact = not selectors.details_hidden_from(user, service_request)
    can_act_as_customer = is_owner or user.is_admin
    actions = {
        "edit": is_owner and _allowed(service_request, Action.EDIT),
        "cancel": can_act_as_customer and _allowed(service_request, Action.CANCEL),
        "close": can_act_as_customer and _allowed(service_request, Action.CLOSE),
        "accept": user.is_professional and not is_assigned and _allowed(service_request, Action.ACCEPT),
        "reject": user.is_professional and not is_assigned and _allowed(service_request, Action.REJECT),
        "start": is_assigned and _allowed(service_request, Action.START),
        "arrive": is_assigned and _allowed(service_request, Action.ARRIVE),
        "complete": is_assigned and _allowed(service_request, Action.COMPLETE),
    }
    review = None
    if service_request.status in REVIEWABLE_STATUSES:
        try:
            review = review_selectors.review_for_request(user=user, request_id=pk)
        except errors.NotFound:
            review = None
    actions["review"] = is_owner and service_request.status in REVIEWABLE_STATUSES and review is None
    events = selectors.service_request_events(user=user, request_id=pk) if shows_customer_contact else []
    context = {
        "service_request": service_request,
        "events": events,
        "actions": actions,
        "any_action": any(actions.values()),
        "shows_customer_contact": shows_customer_contact,
        "is_owner": is_owner,
        "is_assigned": is_assigned,
        "review": review,
        "cancel_form": CancelForm(),
        "reject_form": RejectForm(),
        "complete_form": CompleteForm(initial={"final_price": service_request.price_estimate}),
        "review_form": ReviewForm(),
        **_live_tracking(user, service_request, is_owner=is_owner, is_assigned=is_assigned),
    }
    return render(request, "requests_app/detail.html", context)


def _live_tracking(user, service_request, *, is_owner: bool, is_assigned: bool) -> dict:
    """What the request page shows of live tracking, and the settings of tracking/live.js.

    The customer watches their own request over the WebSocket while it can still move; the
    professional's position is shown only while it is en route or on site, read through the
    tracking selector, which applies the same rule as the socket. The assigned professional
    shares their phone's position while the job is theirs to work.
    """
    watching = is_owner and service_request.status in WATCHED_STATUSES
    position_shown = is_owner and service_request.status in TRACKABLE_STATUSES
    sharing = is_assigned and user.is_professional and service_request.status in REPORTING_STATUSES
    point = distance_km = None
    if position_shown:
        point = tracking_selectors.location_latest(user=user, service_request=service_request)
    has_target = service_request.latitude is not None and service_request.longitude is not None
    if point is not None and has_target:
        distance_km = haversine_km(
            service_request.latitude, service_request.longitude, point.latitude, point.longitude
        )
    config = None
    if watching or sharing:
        config = {
            "requestId": service_request.pk,
            "status": service_request.status,
            "statusLabels": dict(Status.choices),
            "trackableStatuses": list(TRACKABLE_STATUSES),
            "watch": None,
            "share": None,
        }
        if watching:
            config["watch"] = {
                "socketPath": f"/ws/requests/{service_request.pk}/",
                "target": {
                    "latitude": float(service_request.latitude),
                    "longitude": float(service_request.longitude),
                }
                if has_target
                else None,
                "point": dict(LocationPointSerializer(point).data) if point is not None else None,
            }
        if sharing:
            config["share"] = {
                "locationsUrl": reverse(
                    "api:request-location-list", kwargs={"request_id": service_request.pk}
                ),
            }
    return {
        "live_watching": watching,
        "live_position_shown": position_shown,
        "live_sharing": sharing,
        "live_point": point,
        "live_distance_km": distance_km,
        "live_config": config,
    }
