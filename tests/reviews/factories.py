"""Requests in a given state and reviews of them, written straight to the database.

The reviews tests build a request already ``completed`` (or any other state) as one row, rather
than walking it through ``requests_app.services``: a review depends on the request's state, not
on how the request got there.
"""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from requests_app.models import STATUSES_WITH_PROFESSIONAL, ServiceRequest, Status
from reviews.models import Review
from tests.accounts.factories import CustomerFactory, ProfessionalFactory
from tests.catalog.factories import ServiceFactory

# The stage timestamps a request in each state has been stamped with.
_STAMPS = {
    Status.REQUESTED: (),
    Status.ASSIGNED: ("assigned_at",),
    Status.EN_ROUTE: ("assigned_at", "started_at"),
    Status.ON_SITE: ("assigned_at", "started_at", "arrived_at"),
    Status.COMPLETED: ("assigned_at", "started_at", "arrived_at", "completed_at"),
    Status.CLOSED: ("assigned_at", "started_at", "arrived_at", "completed_at", "closed_at"),
    Status.CANCELLED: ("cancelled_at",),
}


def service_request_in_state(*, status=Status.COMPLETED, customer=None, professional=None, service=None):
    """One ``ServiceRequest`` row as the status machine would have left it in ``status``:
    a professional and their service when the state needs one, a final price once completed,
    and the stage timestamps up to that state."""
    if professional is None and status in STATUSES_WITH_PROFESSIONAL:
        professional = ProfessionalFactory()
    if service is None:
        service = professional.professional_profile.service if professional else ServiceFactory()
    now = timezone.now()
    stamps = {field: now - timedelta(hours=1) for field in _STAMPS[status]}
    return ServiceRequest.objects.create(
        service=service,
        customer=customer or CustomerFactory(),
        professional=professional if status in STATUSES_WITH_PROFESSIONAL else None,
        description="Kitchen deep clean",
        address="12 MG Road",
        pin_code="560001",
        status=status,
        price_estimate=service.base_price,
        final_price=Decimal("55.00") if status in (Status.COMPLETED, Status.CLOSED) else None,
        **stamps,
    )


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review of a completed request; the professional's aggregate is NOT updated (use
    ``reviews.services.review_create`` when the aggregate matters)."""

    class Meta:
        model = Review

    request = factory.LazyFunction(service_request_in_state)
    customer = factory.LazyAttribute(lambda review: review.request.customer)
    professional = factory.LazyAttribute(lambda review: review.request.professional)
    rating = 4
    comment = "Punctual and tidy."
