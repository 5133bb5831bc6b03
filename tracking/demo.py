"""Demo positions for `make run`: the professional of the demo request that is en route has
sent a few positions since setting off, so its customer's page shows a live position. A step of
``load_demo_data`` (settings.DEMO_STEPS), after requests_app's; idempotent."""

from datetime import timedelta
from decimal import Decimal

from requests_app.models import ServiceRequest, Status
from tracking.models import LocationUpdate
from tracking.services import location_batch_record


def load_demo_trips(demo=None) -> None:
    en_route = ServiceRequest.objects.filter(
        status=Status.EN_ROUTE, customer__email__endswith="@householdsvc.local"
    ).select_related("professional")
    for service_request in en_route:
        if not LocationUpdate.objects.filter(request=service_request).exists():
            _record_trip(service_request, service_request.professional)


def _record_trip(service_request, professional) -> None:
    """A few positions of the professional heading east across the city since they set off,
    so the customer's page shows a live position in the demo."""
    points = [
        {
            "latitude": str(Decimal("12.960000") + Decimal("0.001500") * step),
            "longitude": str(Decimal("77.600000") + Decimal("0.002500") * step),
            "accuracy": 12,
            "recorded_at": (service_request.started_at + timedelta(milliseconds=step + 1)).isoformat(),
        }
        for step in range(5)
    ]
    location_batch_record(request_id=service_request.pk, user=professional, points=points)
