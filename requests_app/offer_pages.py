"""What the professional's offers page needs beyond the list: whether they are available (no
new offers reach them otherwise) and the settings of the live list (tracking/offers.js)."""

from __future__ import annotations

from django.conf import settings
from django.middleware.csrf import get_token
from django.urls import reverse

from accounts.models import ProfessionalProfile


def offers_page_context(request) -> dict:
    profile = ProfessionalProfile.objects.filter(user_id=request.user.pk).only("is_available").first()
    return {
        "is_available": bool(profile and profile.is_available),
        "offers_config": {
            "socket_path": "/ws/offers/",
            "detail_url": reverse("requests_app:detail", args=[0]),
            "accept_url": reverse("requests_app:accept", args=[0]),
            "csrf_token": get_token(request),
            "currency": settings.CURRENCY,
        },
    }
