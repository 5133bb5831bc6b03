"""Tracking's part of the request page, contributed by tracking itself (requests_app does not
import it): the customer's "Live position" panel, the assigned professional's "Share my
location" panel, and the settings of ``tracking/live.js``.

``{% load tracking_tags %}`` then ``{% live_notice service_request %}`` where the page's status
notice goes, ``{% live_panels service_request %}`` where the panels go and
``{% live_script service_request %}`` at the end of the page. They read the acting user from the
page's ``request`` and share one computation per page render.

The customer watches their own request over the WebSocket while it can still move; the
professional's position is shown only while it is en route or on site, read through the
tracking selector, which applies the same rule as the socket. The assigned professional
shares their phone's position while the job is theirs to work.
"""

from django import template
from django.conf import settings
from django.urls import reverse

from householdsvc.core.geo import haversine_km
from requests_app.models import REPORTING_STATUSES, TRACKABLE_STATUSES, WATCHED_STATUSES, Status
from tracking import links, selectors
from tracking.api.serializers import LocationPointSerializer
from tracking.eta import eta_for

register = template.Library()


TRAIL_MAX_POINTS = 500


def _trail(user, service_request) -> list[list[float]]:
    points = selectors.location_points_for(user=user, service_request=service_request)
    newest = list(points.values_list("latitude", "longitude")[:TRAIL_MAX_POINTS])
    return [[float(lat), float(lng)] for lat, lng in reversed(newest)]


def live_tracking(user, service_request) -> dict:
    """What the request page shows of live tracking to ``user``, and live.js's settings."""
    is_owner = service_request.customer_id == user.pk
    is_assigned = service_request.professional_id is not None and service_request.professional_id == user.pk
    watching = is_owner and service_request.status in WATCHED_STATUSES
    position_shown = is_owner and service_request.status in TRACKABLE_STATUSES
    sharing = is_assigned and user.is_professional and service_request.status in REPORTING_STATUSES
    point = distance_km = None
    if position_shown:
        point = selectors.location_latest(user=user, service_request=service_request)
    has_target = service_request.latitude is not None and service_request.longitude is not None
    if point is not None and has_target:
        distance_km = haversine_km(
            service_request.latitude, service_request.longitude, point.latitude, point.longitude
        )
    eta = eta_for(service_request, point) if point is not None else None
    config = None
    if watching or sharing:
        config = {
            "requestId": service_request.pk,
            "status": service_request.status,
            "statusLabels": {value: str(label) for value, label in Status.choices},  # in the page's language
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
                "eta": eta,
                # The trip since setting off, oldest first (the customer's points only).
                "trail": _trail(user, service_request) if position_shown else [],
                "map": {
                    "tileUrl": settings.MAP_TILE_URL,
                    "attribution": settings.MAP_TILE_ATTRIBUTION,
                },
            }
        if sharing:
            config["share"] = {
                "locationsUrl": reverse(
                    "api:request-location-list", kwargs={"request_id": service_request.pk}
                ),
                # Within this of the request's position the page offers Arrive (arrival.js).
                "target": {
                    "latitude": float(service_request.latitude),
                    "longitude": float(service_request.longitude),
                }
                if has_target
                else None,
                "arrivalRadiusM": settings.ARRIVAL_RADIUS_M,
            }
    return {
        "service_request": service_request,
        "live_watching": watching,
        "live_position_shown": position_shown,
        "live_sharing": sharing,
        "live_point": point,
        "live_distance_km": distance_km,
        "live_config": config,
        "live_eta": eta,
        "live_shareable": watching and service_request.status not in links.OVER_STATUSES,
        "live_links": [
            (link, reverse("tracking:shared", args=[links.link_token(link)]))
            for link in links.tracking_links_active(user=user, service_request=service_request)
        ]
        if watching
        else [],
    }


def _cached(context, service_request) -> dict:
    # Once per page render: the notice and the panels ask the same question.
    key = ("tracking_tags.live", service_request.pk)
    if key not in context.render_context:
        context.render_context[key] = live_tracking(context["request"].user, service_request)
    return context.render_context[key]


@register.inclusion_tag("tracking/_live_notice.html", takes_context=True)
def live_notice(context, service_request):
    """Where live.js tells the customer the request moved on (empty unless they watch it)."""
    return _cached(context, service_request)


@register.inclusion_tag("tracking/_live_panels.html", takes_context=True)
def live_panels(context, service_request):
    """The customer's and the professional's live panels (nothing when neither applies)."""
    return {
        **_cached(context, service_request),
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }


@register.inclusion_tag("tracking/_live_script.html", takes_context=True)
def live_script(context, service_request):
    """live.js's settings (``#live-config``) and the module itself, at the end of the page."""
    return _cached(context, service_request)


@register.inclusion_tag("tracking/_pin_picker.html")
def pin_picker(latitude_id, longitude_id):
    """On the booking page: a map with a draggable pin bound to the position fields, so the
    customer corrects what the browser found (tracking/pin.js)."""
    return {
        "pin_config": {
            "latitudeId": latitude_id,
            "longitudeId": longitude_id,
            "map": {"tileUrl": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION},
        }
    }
