"""Demo service requests for `make run`, one in each interesting state, made through the real
services so their audit trails are complete. A step of ``load_demo_data`` (see its STEPS);
idempotent: a request is only made when its customer has none with the same description."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from catalog.models import Service
from requests_app import services
from requests_app.models import ServiceRequest, Status
from requests_app.schedule.models import WorkingHours

# customer email, service, description, professional email (or None), target status, extras
DEMO_REQUESTS = [
    (
        "asha@householdsvc.local",
        "Electrical repair",
        "Two sockets in the kitchen have stopped working.",
        None,
        Status.REQUESTED,
        {"scheduled_for_days": 2, "remarks": "Please call before coming."},
    ),
    (
        "ben@householdsvc.local",
        "Plumbing repair",
        "The bathroom tap drips all night.",
        "ravi.plumber@householdsvc.local",
        Status.EN_ROUTE,
        {"scheduled_for_days": 1},
    ),
    (
        "chitra@householdsvc.local",
        "Home deep cleaning",
        "Deep clean of a two-bedroom flat before guests arrive.",
        "meena.clean@householdsvc.local",
        Status.COMPLETED,
        {"final_price": "2699.00"},
    ),
    (
        "ben@householdsvc.local",
        "Flat tyre",
        "Front left tyre punctured on Old Airport Road.",
        None,
        Status.REQUESTED,
        {"latitude": "12.960000", "longitude": "77.700000", "vehicle_type": "car"},
    ),
    (
        "asha@householdsvc.local",
        "AC repair and service",
        "The bedroom AC blows warm air.",
        None,
        Status.CANCELLED,
        {"reason": "It started working again."},
    ),
]


def _make(customer, service, description, professional, target, extras):
    fields = {"description": description}
    if "scheduled_for_days" in extras:
        # A slot: 10:00 local time that many days ahead (demo professionals work then).
        day = timezone.localdate() + timedelta(days=extras["scheduled_for_days"])
        fields["scheduled_for"] = timezone.make_aware(datetime.combine(day, time(10)))
    for key in ("remarks", "latitude", "longitude", "vehicle_type"):
        if key in extras:
            fields[key] = extras[key]
    service_request = services.service_request_create(customer=customer, service=service, **fields)
    request_id = service_request.pk
    if target == Status.CANCELLED:
        return services.service_request_cancel(request_id=request_id, actor=customer, reason=extras["reason"])
    if target == Status.REQUESTED:
        return service_request
    services.service_request_accept(request_id=request_id, professional=professional)
    started = services.service_request_start(request_id=request_id, professional=professional)
    if target == Status.EN_ROUTE:
        return started  # tracking's demo step adds the trip so far (tracking.demo)
    services.service_request_arrive(
        request_id=request_id, professional=professional, start_code=service_request.start_code
    )
    return services.service_request_complete(
        request_id=request_id, professional=professional, final_price=Decimal(extras["final_price"])
    )


# Every demo professional's week: mornings and afternoons, every day, so slots show any day.
DEMO_HOURS = ((time(9), time(13)), (time(14), time(19)))


def _give_working_hours() -> None:
    """Working hours for the demo professionals who have none yet."""
    without = User.objects.filter(
        email__endswith="@householdsvc.local", professional_profile__isnull=False, working_hours__isnull=True
    )
    WorkingHours.objects.bulk_create(
        WorkingHours(professional=professional, weekday=weekday, starts_at=start, ends_at=end)
        for professional in without
        for weekday in range(7)
        for start, end in DEMO_HOURS
    )


def load_demo_requests(demo=None) -> None:
    """Create the demo requests that are missing (``demo`` is load_demo_data's shared state)."""
    _give_working_hours()
    made = 0
    for customer_email, service_name, description, professional_email, target, extras in DEMO_REQUESTS:
        customer = User.objects.filter(email__iexact=customer_email).first()
        service = Service.objects.filter(name=service_name).first()
        professional = professional_email and User.objects.filter(email__iexact=professional_email).first()
        if customer is None or service is None or (professional_email and professional is None):
            continue  # the accounts step did not load them; nothing to attach a request to
        if ServiceRequest.objects.filter(customer=customer, description=description).exists():
            continue
        _make(customer, service, description, professional, target, extras)
        made += 1
    if demo is not None and getattr(demo, "stdout", None) is not None and made:
        demo.stdout.write(f"Demo requests: {made} created.")
