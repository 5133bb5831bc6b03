"""Every read of tracking data, scoped by the acting user, and the nearest-professional query.

Who sees which points of a request they may see (see "Who sees what" in DESIGN.md):
- admins: all of them;
- the assigned professional: their own;
- the customer: the professional's position only while the request is ``en_route`` or
  ``on_site``, and only points recorded since the professional set off. Before that the
  professional is not on their way yet; once the job is completed, closed or cancelled the
  customer sees no position at all, not even the track of the trip: the professional's
  whereabouts are theirs again;
- anyone else who may see the request (a professional it is only offered to): none.
The REST list and the WebSocket apply the same rule, the one in SQL, the other in Python.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from accounts.models import Role
from requests_app.matching import dispatch_candidates
from requests_app.models import TRACKABLE_STATUSES, ServiceRequest
from requests_app.selectors import service_request_get
from tracking.models import LocationUpdate

# --- Points -----------------------------------------------------------------------------


def _customer_watches(user, service_request: ServiceRequest) -> bool:
    return (
        service_request.customer_id == user.pk
        and service_request.status in TRACKABLE_STATUSES
        and service_request.professional_id is not None
    )


def _points_filter(user, service_request: ServiceRequest) -> Q | None:
    """The request's points this user may see, as a filter; ``None`` for none of them."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_admin:
        return Q()
    if user.role == Role.PROFESSIONAL and service_request.professional_id == user.pk:
        return Q(reported_by_id=user.pk)
    if user.role == Role.CUSTOMER and _customer_watches(user, service_request):
        visible = Q(reported_by_id=service_request.professional_id)
        if service_request.started_at is not None:
            visible &= Q(recorded_at__gte=service_request.started_at)
        return visible
    return None


def may_see_point(user, service_request: ServiceRequest, *, reported_by_id, recorded_at: datetime) -> bool:
    """The Python twin of ``_points_filter`` for one point (the WebSocket's, not yet in a query)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_admin:
        return True
    if user.role == Role.PROFESSIONAL and service_request.professional_id == user.pk:
        return reported_by_id == user.pk
    if user.role == Role.CUSTOMER and _customer_watches(user, service_request):
        started_at = service_request.started_at
        return reported_by_id == service_request.professional_id and (
            started_at is None or recorded_at >= started_at
        )
    return False


def location_points_for(*, user, service_request: ServiceRequest) -> QuerySet[LocationUpdate]:
    """The points of a request already known to be visible to the user, newest first."""
    visible = _points_filter(user, service_request)
    points = LocationUpdate.objects.filter(request_id=service_request.pk).order_by("-recorded_at", "-id")
    return points.none() if visible is None else points.filter(visible)


def location_list(*, user, request_id) -> QuerySet[LocationUpdate]:
    """The points of a request the user may see (``NotFound`` if they may not see the request),
    newest first, served by the (request, recorded_at, id) index read backwards."""
    service_request = service_request_get(user=user, request_id=request_id)
    return location_points_for(user=user, service_request=service_request)


def location_latest(*, user, service_request: ServiceRequest) -> LocationUpdate | None:
    """The newest point of the request the user may see, or None."""
    return location_points_for(user=user, service_request=service_request).first()


# --- Nearest available professional -----------------------------------------------------------


def nearest_available_professionals(*, service_request: ServiceRequest) -> QuerySet:
    """Who could be dispatched to the request's position, nearest first (then best rated),
    each annotated with ``distance_km``: the dispatch's own matching query
    (``requests_app.matching.dispatch_candidates``), which offers and quotes use too."""
    return dispatch_candidates(service_request=service_request)
