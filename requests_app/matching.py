"""Who a request can be offered to: the candidate professionals of each kind of service.

- roadside (``dispatch``): the nearest suitable professionals (``dispatch_candidates``):
  approved, active, available, of the service, EV-certified for an electric vehicle, with a
  position fresher than POSITION_STALE_MINUTES that lies within *their own* service radius of
  the request, and who have not turned it down; nearest first, annotated with ``distance_km``;
- household (``at_address``): the suitable professionals serving the request's pin code
  (``household_candidates``). This is the one function the schedule extends with "free at the
  chosen time".

Reads only; ``requests_app.offers`` writes the offers. The tracking app's
``nearest_available_professionals`` is this query too.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import working_professional_q
from householdsvc.core.geo import bounding_box, distance_km_expression
from requests_app.models import ServiceRequest
from requests_app.selectors import needs_ev_certification


def position_fresh_since(now=None):
    """The oldest position that still counts for matching."""
    return (now or timezone.now()) - timedelta(minutes=settings.POSITION_STALE_MINUTES)


def suitable_professionals(*, service_request: ServiceRequest) -> QuerySet:
    """Professionals who could work on the request wherever they are: active, approved and
    available, of its service, qualified for its vehicle, and who have not turned it down."""
    user_model = get_user_model()
    if not service_request.service.is_active:
        return user_model.objects.none()
    professionals = user_model.objects.filter(
        working_professional_q(),
        professional_profile__service_id=service_request.service_id,
        professional_profile__is_available=True,
    )
    if needs_ev_certification(service_request):
        professionals = professionals.filter(professional_profile__ev_certified=True)
    rejected = ServiceRequest.rejected_by.through.objects.filter(
        servicerequest_id=service_request.pk, user_id=OuterRef("pk")
    )
    return professionals.exclude(Exists(rejected))


def dispatch_candidates(*, service_request: ServiceRequest, now=None) -> QuerySet:
    """Suitable professionals whose fresh position is within their own radius of the request's
    position, nearest first (then best rated), each annotated with ``distance_km``. Empty when
    the request has no position.

    The radius differs per professional, so the bounding box that lets the
    (current_latitude, current_longitude) index narrow the search is the one of the widest
    radius among the candidates (one small aggregate first); the exact distance, compared with
    each professional's own radius, does the rest in SQL.
    """
    user_model = get_user_model()
    if service_request.latitude is None or service_request.longitude is None:
        return user_model.objects.none()
    candidates = suitable_professionals(service_request=service_request).filter(
        professional_profile__current_latitude__isnull=False,
        professional_profile__current_longitude__isnull=False,
        professional_profile__position_updated_at__gte=position_fresh_since(now),
    )
    widest = candidates.aggregate(widest=Max("professional_profile__service_radius_km"))["widest"]
    if widest is None:
        return user_model.objects.none()
    min_lat, max_lat, min_lng, max_lng = bounding_box(
        service_request.latitude, service_request.longitude, widest
    )
    box = Q(
        professional_profile__current_latitude__gte=min_lat,
        professional_profile__current_latitude__lte=max_lat,
    )
    if min_lng is not None:
        box &= Q(
            professional_profile__current_longitude__gte=min_lng,
            professional_profile__current_longitude__lte=max_lng,
        )
    return (
        candidates.filter(box)
        .annotate(
            distance_km=distance_km_expression(
                service_request.latitude,
                service_request.longitude,
                "professional_profile__current_latitude",
                "professional_profile__current_longitude",
            )
        )
        .filter(distance_km__lte=F("professional_profile__service_radius_km"))
        .select_related("professional_profile")
        .order_by("distance_km", "-professional_profile__average_rating", "id")
    )


def household_candidates(*, service_request: ServiceRequest) -> QuerySet:
    """Suitable professionals serving the request's pin code, best rated first. (The schedule
    narrows this to those free at the chosen time.)"""
    user_model = get_user_model()
    if not service_request.pin_code:
        return user_model.objects.none()
    professionals = suitable_professionals(service_request=service_request).filter(
        professional_profile__pin_code=service_request.pin_code
    )
    if service_request.scheduled_for is not None:
        # Imported here: the schedule reads requests_app's models, as this module does.
        from requests_app.schedule.slots import professionals_free

        start = service_request.scheduled_for
        end = start + timedelta(minutes=service_request.service.time_required_minutes)
        professionals = professionals_free(
            professionals, start=start, end=end, exclude_request_id=service_request.pk
        )
    return professionals.select_related("professional_profile").order_by(
        "-professional_profile__average_rating", "id"
    )
