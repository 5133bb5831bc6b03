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
from django.db import connection
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import ProfessionalProfile, working_professional_q
from householdsvc.core.earth import EarthDistance, earth_point, fixed_point
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

    The radius differs per professional: the exact haversine distance is compared with each
    professional's own. By default (and always on SQLite) a latitude/longitude box sized by the
    widest radius of the service's professionals (one index lookup on pro_service_radius_idx,
    an upper bound of the candidates' own) narrows the rows, then the haversine order. With
    DISPATCH_MATCHING_KNN on PostgreSQL the order is the ``<->`` distance of ``cube`` +
    ``earthdistance``, which the GiST index on (service, ``ll_to_earth`` of the position)
    (accounts migration 0002) can walk nearest first. Both find the same professionals in the
    same order.
    """
    user_model = get_user_model()
    if service_request.latitude is None or service_request.longitude is None:
        return user_model.objects.none()
    candidates = suitable_professionals(service_request=service_request).filter(
        professional_profile__current_latitude__isnull=False,
        professional_profile__current_longitude__isnull=False,
        professional_profile__position_updated_at__gte=position_fresh_since(now),
    )
    if settings.DISPATCH_MATCHING_KNN and connection.vendor == "postgresql":
        return _nearest_by_knn(candidates, service_request)
    widest = ProfessionalProfile.objects.filter(service_id=service_request.service_id).aggregate(
        widest=Max("service_radius_km")
    )["widest"]
    if widest is None:
        return user_model.objects.none()
    return _nearest_by_box(candidates, service_request, widest)


def _exact(candidates: QuerySet, service_request: ServiceRequest) -> QuerySet:
    return (
        candidates.annotate(
            distance_km=distance_km_expression(
                service_request.latitude,
                service_request.longitude,
                "professional_profile__current_latitude",
                "professional_profile__current_longitude",
            )
        )
        .filter(distance_km__lte=F("professional_profile__service_radius_km"))
        .select_related("professional_profile")
    )


# How many of the nearest the PostgreSQL path ranks, at least: more than the rounds ever offer
# (see nearest_cap) or a quote reads (the first); few, so the planner walks the KNN index.
NEAREST_CAP = 20


def nearest_cap() -> int:
    """Enough for every round's batch even when all earlier rounds' offers are excluded."""
    return max(NEAREST_CAP, settings.DISPATCH_BATCH * (settings.DISPATCH_MAX_ROUNDS + 1))


def _nearest_by_knn(candidates: QuerySet, service_request: ServiceRequest) -> QuerySet:
    """PostgreSQL: the GiST index (service, cube) walks the ``<->`` order, stopping after the
    ``nearest_cap()`` nearest (an index walks that order only when it is the whole ORDER BY);
    those few are then ranked like everywhere else, ties by rating and id."""
    centre = fixed_point(service_request.latitude, service_request.longitude)
    position = earth_point(
        "professional_profile__current_latitude", "professional_profile__current_longitude"
    )
    nearest = (
        _exact(candidates, service_request)
        .annotate(chord=EarthDistance(position, centre))
        .order_by("chord")
        .values("pk")[: nearest_cap()]
    )
    user_model = get_user_model()
    return _exact(user_model.objects.filter(pk__in=nearest), service_request).order_by(
        "distance_km", "-professional_profile__average_rating", "id"
    )


def _nearest_by_box(candidates: QuerySet, service_request: ServiceRequest, widest) -> QuerySet:
    """Any database: a latitude/longitude box (pro_position_idx), then the haversine order."""
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
    return _exact(candidates.filter(box), service_request).order_by(
        "distance_km", "-professional_profile__average_rating", "id"
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
