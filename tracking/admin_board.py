"""The admins' dispatch board: a map of the available professionals (with a fresh position)
and of the open roadside requests, unmatched ones marked, refreshed by polling its JSON every
few seconds (``tracking/board.js``). Admin-only: reached through ``LocationUpdateAdmin``'s
URLs (wrapped in ``admin_site.admin_view``) and linked from the admin index."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from accounts.models import ProfessionalProfile, working_professional_q
from catalog.models import ServiceKind
from requests_app.models import ServiceRequest, Status

# The board shows at most this many of each (the nearest to nothing: the newest).
BOARD_MAX = 500


def board_data() -> dict:
    fresh_since = timezone.now() - timedelta(minutes=settings.POSITION_STALE_MINUTES)
    professionals = (
        ProfessionalProfile.objects.filter(
            working_professional_q("user__"),
            is_available=True,
            position_updated_at__gte=fresh_since,
            current_latitude__isnull=False,
        )
        .select_related("user", "service")
        .order_by("-position_updated_at")[:BOARD_MAX]
    )
    requests = (
        ServiceRequest.objects.filter(
            status=Status.REQUESTED, service__kind=ServiceKind.DISPATCH, latitude__isnull=False
        )
        .select_related("service")
        .order_by("-created_at")[:BOARD_MAX]
    )
    return {
        "professionals": [
            {
                "id": profile.user_id,
                "name": profile.user.full_name,
                "service": profile.service.name if profile.service else "",
                "latitude": float(profile.current_latitude),
                "longitude": float(profile.current_longitude),
            }
            for profile in professionals
        ],
        "requests": [
            {
                "id": service_request.pk,
                "service": service_request.service.name,
                "latitude": float(service_request.latitude),
                "longitude": float(service_request.longitude),
                "unmatched": service_request.unmatched_at is not None,
                "url": reverse("admin:requests_app_servicerequest_change", args=[service_request.pk]),
            }
            for service_request in requests
        ],
    }


def _check(request):
    if not (request.user.is_active and request.user.is_admin):
        raise PermissionDenied


def board_page(request, *, admin_site):
    _check(request)
    data = board_data()
    context = {
        **admin_site.each_context(request),
        "title": "Dispatch board",
        "board": data,
        "board_config": {
            "dataUrl": reverse("admin:tracking_dispatch_board_data"),
            "data": data,
            "map": {"tileUrl": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION},
        },
    }
    request.current_app = admin_site.name
    return TemplateResponse(request, "admin/tracking/dispatch_board.html", context)


def board_json(request):
    _check(request)
    return JsonResponse(board_data())
