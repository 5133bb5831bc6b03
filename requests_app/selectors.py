"""Every read of service requests, scoped by the acting user (see "Who sees what" in DESIGN.md).

- admins see every request;
- customers see their own;
- professionals see the open requests *offered* to them — they hold a live ``Offer`` for it
  (``requests_app.offers`` decides who: the nearest for roadside help, those serving the pin
  code for a household job) and are still approved and active — plus the ones assigned to them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Case, Exists, F, FloatField, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import ProfessionalProfile, Role, working_professional_q
from accounts.validation import is_working_professional
from householdsvc.core.errors import NotFound
from householdsvc.core.geo import distance_km_expression, haversine_km
from requests_app.models import Offer, OfferState, RequestEvent, ServiceRequest, Status, VehicleType

# --- Offers ---------------------------------------------------------------------------------


def _professional_profile(user) -> ProfessionalProfile | None:
    try:
        return user.professional_profile
    except ProfessionalProfile.DoesNotExist:
        return None


def _may_receive_offers(user, profile: ProfessionalProfile | None) -> bool:
    return profile is not None and is_working_professional(user)


def needs_ev_certification(service_request: ServiceRequest) -> bool:
    """An electric vehicle is worked on only by an EV-certified professional (high-voltage
    systems): the one place this rule lives, for offers, accepting, assigning and matching."""
    return service_request.vehicle_type == VehicleType.EV


def qualified_for(profile: ProfessionalProfile, service_request: ServiceRequest) -> bool:
    return profile.ev_certified or not needs_ev_certification(service_request)


def live_offer_q(now=None, prefix: str = "") -> Q:
    """Offers that can be taken now: open and not past their time (the sweep marks them expired
    a little later; until then the clock decides)."""
    now = now or timezone.now()
    return Q(**{f"{prefix}state": OfferState.OPEN}) & (
        Q(**{f"{prefix}expires_at__isnull": True}) | Q(**{f"{prefix}expires_at__gt": now})
    )


def _offered_to(user) -> Q:
    """Open requests the user holds a live offer for (requests_app.offers sends them)."""
    live = Offer.objects.filter(live_offer_q(), request_id=OuterRef("pk"), professional_id=user.pk)
    return Q(status=Status.REQUESTED, service__is_active=True) & Q(Exists(live))


def in_professionals_area(profile: ProfessionalProfile, service_request: ServiceRequest) -> bool:
    """The Python twin of the area filter, for one request already in memory."""
    if profile.pin_code and profile.pin_code == service_request.pin_code:
        return True
    positions = (
        profile.current_latitude,
        profile.current_longitude,
        service_request.latitude,
        service_request.longitude,
    )
    if any(value is None for value in positions):
        return False
    return haversine_km(*positions) <= profile.service_radius_km


def professional_may_take(user, service_request: ServiceRequest) -> bool:
    """An approved, active professional of the request's service, qualified for its vehicle,
    in whose area it lies.

    An inactive service is offered to nobody. This ignores the status and earlier refusals on
    purpose: such a professional may have seen
    the offer, so telling them it has been taken (409) or that they refused it (403) leaks
    nothing, and the loser of a race for the same request gets a 409 rather than a 404.
    """
    profile = _professional_profile(user)
    return (
        _may_receive_offers(user, profile)
        and profile.service_id == service_request.service_id
        and service_request.service.is_active
        and qualified_for(profile, service_request)
        and in_professionals_area(profile, service_request)
    )


def has_rejected(user, service_request: ServiceRequest) -> bool:
    return service_request.rejected_by.filter(pk=user.pk).exists()


def is_offered_to(user, service_request: ServiceRequest) -> bool:
    """Whether the open request is on offer to this professional right now: they hold a live
    offer for it (and are still someone it may go to)."""
    return (
        service_request.status == Status.REQUESTED
        and service_request.service.is_active
        and _may_receive_offers(user, _professional_profile(user))
        and Offer.objects.filter(
            live_offer_q(), request_id=service_request.pk, professional_id=user.pk
        ).exists()
    )


def details_hidden_from(viewer, service_request: ServiceRequest) -> bool:
    """A professional sees the customer's contact, exact place and the request's history only
    once it is theirs; before, an offer shows the area (pin code) and the job, not who or where."""
    return bool(
        viewer is not None and viewer.is_professional and service_request.professional_id != viewer.pk
    )


def can_see(user, service_request: ServiceRequest) -> bool:
    """The row-level rule of ``service_request_list`` for one request already in memory."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_admin:
        return True
    if user.role == Role.CUSTOMER:
        return service_request.customer_id == user.pk
    if user.role == Role.PROFESSIONAL:
        return service_request.professional_id == user.pk or is_offered_to(user, service_request)
    return False


# --- Selectors ------------------------------------------------------------------------------


def service_request_list(*, user) -> QuerySet[ServiceRequest]:
    """The requests this user may see, newest first, with what a list page shows joined in."""
    queryset = ServiceRequest.objects.select_related("service", "customer", "professional")
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_admin:
        return queryset
    if user.role == Role.CUSTOMER:
        return queryset.filter(customer_id=user.pk)
    if user.role == Role.PROFESSIONAL:
        assigned = Q(professional_id=user.pk)
        profile = _professional_profile(user)
        if not _may_receive_offers(user, profile):
            return queryset.filter(assigned)
        return queryset.filter(assigned | _offered_to(user))
    return queryset.none()


def professional_job_list(*, user) -> QuerySet[ServiceRequest]:
    """The requests assigned to this professional: ``service_request_list`` narrowed to
    ``professional=user``, which leaves only its ``assigned`` half ((A | O) & A is A). Written out
    so the jobs page's query does not carry the offers' subquery it can never match by."""
    queryset = ServiceRequest.objects.select_related("service", "customer", "professional")
    if not user.is_authenticated or not user.is_active or user.role != Role.PROFESSIONAL:
        return queryset.none()
    return queryset.filter(professional_id=user.pk)


def service_request_get(*, user, request_id) -> ServiceRequest:
    """One request the user may see; ``NotFound`` otherwise (even when it exists)."""
    try:
        return service_request_list(user=user).get(pk=int(request_id))
    except (ServiceRequest.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(gettext("No such service request.")) from exc


def service_request_events(*, user, request_id) -> QuerySet[RequestEvent]:
    """The audit trail of a request the user may see, oldest first. Not to a professional it
    is only offered to: the trail names the customer and what they changed (their address)."""
    service_request = service_request_get(user=user, request_id=request_id)
    if details_hidden_from(user, service_request):
        raise NotFound(gettext("This request's history is shown once the job is yours."))
    return (
        RequestEvent.objects.filter(request_id=service_request.pk)
        .select_related("actor")
        .order_by("created_at", "id")
    )


def professionals_suitable_for(*, service_request: ServiceRequest) -> QuerySet:
    """Professionals an admin may assign: approved, active, of the request's service, and
    EV-certified when the request is for an electric vehicle.

    For a roadside (dispatch) request the nearest first by their last known position (each
    with ``distance_km``); otherwise those in the request's pin code come first, then the best
    rated; those who turned the
    request down are still listed (an admin may overrule them) but last.
    """
    user_model = get_user_model()
    rejected = ServiceRequest.rejected_by.through.objects.filter(
        servicerequest_id=service_request.pk, user_id=OuterRef("pk")
    )
    same_pin = Value(0)
    if service_request.pin_code:
        same_pin = Case(
            When(professional_profile__pin_code=service_request.pin_code, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    professionals = user_model.objects.filter(
        working_professional_q(), professional_profile__service_id=service_request.service_id
    )
    if needs_ev_certification(service_request):
        professionals = professionals.filter(professional_profile__ev_certified=True)
    professionals = professionals.select_related("professional_profile").annotate(
        has_rejected=Exists(rejected), same_pin_code=same_pin
    )
    if service_request.service.is_dispatch and service_request.latitude is not None:
        # A position to go to (roadside): nearest first by their last known position, each
        # with ``distance_km`` (None without a position: last).
        distance = Case(
            # Without a position, no distance (the expression's LEAST would make it 20,015 km).
            When(
                professional_profile__current_latitude__isnull=False,
                then=distance_km_expression(
                    service_request.latitude,
                    service_request.longitude,
                    "professional_profile__current_latitude",
                    "professional_profile__current_longitude",
                ),
            ),
            default=None,
            output_field=FloatField(),
        )
        return professionals.annotate(distance_km=distance).order_by(
            "has_rejected",
            F("distance_km").asc(nulls_last=True),
            "-professional_profile__average_rating",
            "id",
        )
    return professionals.order_by(
        "has_rejected", "-same_pin_code", "-professional_profile__average_rating", "id"
    )


def jobs_done_count(*, professional_id) -> int:
    """How many jobs the professional has finished (completed or closed): their public record.
    One indexed count (request_professional_idx)."""
    return ServiceRequest.objects.filter(
        professional_id=professional_id, status__in=(Status.COMPLETED, Status.CLOSED)
    ).count()
