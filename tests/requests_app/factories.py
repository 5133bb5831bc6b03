"""Service requests in any state, for tests.

``ServiceRequestFactory`` makes an open request of a household service in pin code 560001
(where the root fixtures' professionals work). ``request_in_state`` puts one straight into any
status with the fields that status needs, without walking the machine (fast, no events);
``walk_to`` walks it through the real services, events and all.
"""

from decimal import Decimal

import factory
from django.utils import timezone

from requests_app import services
from requests_app.models import ServiceRequest, Status
from tests.accounts.factories import CustomerFactory
from tests.catalog.factories import ServiceFactory

PIN_CODE = "560001"
LATITUDE = Decimal("12.971600")
LONGITUDE = Decimal("77.594600")


class ServiceRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceRequest

    service = factory.SubFactory(ServiceFactory)
    customer = factory.SubFactory(CustomerFactory)
    description = "The kitchen sink leaks under the basin."
    address = factory.Faker("street_address")
    pin_code = PIN_CODE
    latitude = LATITUDE
    longitude = LONGITUDE
    price_estimate = factory.LazyAttribute(lambda request: request.service.base_price)
    status = Status.REQUESTED


# What each status needs on the row, stamped in the order the machine would.
_STAGES = {
    Status.ASSIGNED: ("assigned_at",),
    Status.EN_ROUTE: ("assigned_at", "started_at"),
    Status.ON_SITE: ("assigned_at", "started_at", "arrived_at"),
    Status.COMPLETED: ("assigned_at", "started_at", "arrived_at", "completed_at"),
    Status.CLOSED: ("assigned_at", "started_at", "arrived_at", "completed_at", "closed_at"),
    Status.CANCELLED: ("assigned_at", "cancelled_at"),
}


def request_in_state(status, *, professional=None, **fields) -> ServiceRequest:
    """A request already in ``status``. Every status past ``requested`` needs ``professional``
    (a cancelled one had been assigned to them; pass ``professional=None`` for one cancelled
    while still open)."""
    now = timezone.now()
    values = {"status": status, **fields}
    if status != Status.REQUESTED and professional is not None:
        values["professional"] = professional
        for stamp in _STAGES[status]:
            values[stamp] = now
    if status in (Status.COMPLETED, Status.CLOSED):
        values.setdefault("final_price", Decimal("45.00"))
    if status == Status.CANCELLED:
        values.setdefault("cancelled_at", now)
        values.setdefault("cancel_reason", "Plans changed.")
    return ServiceRequestFactory(**values)


_PATH = [Status.ASSIGNED, Status.EN_ROUTE, Status.ON_SITE, Status.COMPLETED, Status.CLOSED]


def walk_to(service_request: ServiceRequest, status, *, professional, admin=None) -> ServiceRequest:
    """Move a ``requested`` request to ``status`` through the services (cancel from assigned)."""
    request_id, customer = service_request.pk, service_request.customer
    if status == Status.CANCELLED:
        services.service_request_accept(request_id=request_id, professional=professional)
        return services.service_request_cancel(request_id=request_id, actor=customer, reason="Plans changed.")
    steps = {
        Status.ASSIGNED: lambda: services.service_request_accept(
            request_id=request_id, professional=professional
        ),
        Status.EN_ROUTE: lambda: services.service_request_start(
            request_id=request_id, professional=professional
        ),
        Status.ON_SITE: lambda: services.service_request_arrive(
            request_id=request_id, professional=professional
        ),
        Status.COMPLETED: lambda: services.service_request_complete(
            request_id=request_id, professional=professional, final_price=Decimal("45.00")
        ),
        Status.CLOSED: lambda: services.service_request_close(request_id=request_id, actor=customer),
    }
    if status == Status.REQUESTED:
        return service_request
    for step in _PATH[: _PATH.index(status) + 1]:
        service_request = steps[step]()
    return service_request
