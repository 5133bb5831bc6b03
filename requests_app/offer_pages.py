"""What the professional's offers page needs beyond the list: whether they are available (no
new offers reach them otherwise) and the settings of the live list (tracking/offers.js)."""

from __future__ import annotations

from django.conf import settings
from django.middleware.csrf import get_token
from django.urls import reverse

from accounts.models import ProfessionalProfile


def offers_page_context(request) -> dict:
    profile = ProfessionalProfile.objects.filter(user_id=request.user.pk).only("is_available").first()
    available = bool(profile and profile.is_available)
    return {
        "is_available": available,
        "offers_config": {
            # While available, the page reports the phone's position so offers can find them.
            "report_position": available,
            "position_url": reverse("api:me-position"),
            "report_seconds": settings.POSITION_REPORT_SECONDS,
            "socket_path": "/ws/offers/",
            "detail_url": reverse("requests_app:detail", args=[0]),
            "accept_url": reverse("requests_app:accept", args=[0]),
            "csrf_token": get_token(request),
            "currency": settings.CURRENCY,
        },
    }
