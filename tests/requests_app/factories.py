"""Service requests in any state, for tests.

``ServiceRequestFactory`` makes an open request of a household service in pin code 560001
(where the root fixtures' professionals work). ``request_in_state`` puts one straight into any
status with the fields that status needs, without walking the machine (fast, no events);
``walk_to`` walks it through the real services, events and all. A factory-made request has no
offers (they are opened by ``service_request_create``); ``offer_to`` gives a professional one.
"""

from decimal import Decimal

import factory
from django.conf import settings
from django.utils import timezone

from requests_app import matching, services
from requests_app.models import Offer, OfferState, ServiceRequest, Status
from tests.accounts.factories import CustomerFactory
from tests.catalog.factories import ServiceFactory

PIN_CODE = "560001"
LATITUDE = Decimal("12.971600")
LONGITUDE = Decimal("77.594600")
# Every factory-made request's start code (one made through the service has a random one).
START_CODE = "2468"


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
    start_code = START_CODE

    @factory.post_generation
    def open_offers(obj, create, extracted, **kwargs):
        """An open request is offered to whoever suits it now, as ``service_request_create``
        would, but quietly: untimed offers, no event, no email (tests count those);
        ``open_offers=False`` leaves it with none."""
        if create and obj.status == Status.REQUESTED and extracted is not False:
            if obj.service.is_dispatch:
                candidates = matching.dispatch_candidates(service_request=obj)[: settings.DISPATCH_BATCH]
            else:
                candidates = matching.household_candidates(service_request=obj)
            for professional in candidates:
                offer_to(obj, professional)


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


def offer_to(
    service_request: ServiceRequest, professional, *, expires_at=None, state=OfferState.OPEN
) -> Offer:
    """An offer of the request to the professional (open, with no timer, unless told), in the
    request's current round (round 1 of a request not yet offered)."""
    if service_request.dispatch_round == 0:
        service_request.dispatch_round = 1
        ServiceRequest.objects.filter(pk=service_request.pk).update(dispatch_round=1)
    offer, _ = Offer.objects.update_or_create(
        request=service_request,
        professional=professional,
        defaults={
            "round": max(service_request.dispatch_round, 1),
            "offered_at": timezone.now(),
            "expires_at": expires_at,
            "state": state,
        },
    )
    return offer


_PATH = [Status.ASSIGNED, Status.EN_ROUTE, Status.ON_SITE, Status.COMPLETED, Status.CLOSED]


def walk_to(service_request: ServiceRequest, status, *, professional, admin=None) -> ServiceRequest:
    """Move a ``requested`` request to ``status`` through the services (cancel from assigned)."""
    request_id, customer = service_request.pk, service_request.customer
    start_code = ServiceRequest.objects.values_list("start_code", flat=True).get(pk=request_id)
    if (
        status != Status.REQUESTED
        and not Offer.objects.filter(request_id=request_id, professional=professional).exists()
    ):
        offer_to(service_request, professional)
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
            request_id=request_id, professional=professional, start_code=start_code
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
