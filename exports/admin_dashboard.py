"""The back office's dashboard page: the numbers of exports.dashboard, drawn for admins."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse

from accounts.models import VerificationStatus
from exports.dashboard import TOP_RATED_MIN_REVIEWS, dashboard_numbers

CHART_HEIGHT = 140
BAR_WIDTH = 18
BAR_GAP = 6


def bar_chart(per_day: list[dict]) -> dict:
    """Geometry of the requests-per-day bar chart, drawn as inline SVG by the template."""
    peak = max((day["count"] for day in per_day), default=0) or 1
    bars = []
    for index, day in enumerate(per_day):
        height = round(day["count"] / peak * CHART_HEIGHT) if day["count"] else 0
        bars.append(
            {
                "x": index * (BAR_WIDTH + BAR_GAP),
                "y": CHART_HEIGHT - height,
                "height": height,
                "day": day["day"],
                "count": day["count"],
                # A date under every fifth bar, and the last, keeps the axis legible.
                "label": day["day"].strftime("%d %b") if index % 5 == 0 or index == len(per_day) - 1 else "",
            }
        )
    return {
        "bars": bars,
        "bar_width": BAR_WIDTH,
        "height": CHART_HEIGHT,
        "width": max(len(per_day) * (BAR_WIDTH + BAR_GAP) - BAR_GAP, 0),
        "peak": peak,
    }


def humane_duration(duration: datetime.timedelta | None) -> str:
    if duration is None:
        return "—"
    minutes = int(duration.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{minutes} min"]
    return " ".join(part for part in parts if part)


def _admin_url(name: str, query: str = "") -> str | None:
    """The admin page's address, or ``None`` while no admin registers that model."""
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return None


def dashboard(request, *, admin_site):
    """The back office's numbers (staff only: wrapped in ``admin_site.admin_view``)."""
    numbers = dashboard_numbers()
    pending = f"?verification_status__exact={VerificationStatus.PENDING}"
    context = {
        **admin_site.each_context(request),
        "title": "Dashboard",
        "numbers": numbers,
        "total_requests": sum(row["count"] for row in numbers["by_status"]),
        "chart": bar_chart(numbers["per_day"]),
        "avg_to_assignment": humane_duration(numbers["avg_to_assignment"]),
        "avg_to_completion": humane_duration(numbers["avg_to_completion"]),
        "top_rated_min_reviews": TOP_RATED_MIN_REVIEWS,
        "cache_seconds": settings.DASHBOARD_CACHE_SECONDS,
        "requests_url": reverse("admin:requests_app_servicerequest_changelist"),
        "pending_professionals_url": _admin_url("admin:accounts_professionalprofile_changelist", pending),
        "unmatched_url": _admin_url("admin:requests_app_servicerequest_changelist", "?unmatched=yes"),
    }
    request.current_app = admin_site.name
    return TemplateResponse(request, "admin/exports/dashboard.html", context)
