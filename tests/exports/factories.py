"""Data to export, and export jobs in any state.

``seed_requests`` writes many service requests in one ``bulk_create`` (fast enough for a few
thousand rows), with awkward text (commas, quotes, line breaks) that the CSV must survive.
"""

from decimal import Decimal

import factory
from django.utils import timezone

from exports.models import ExportJob, ExportKind, ExportStatus
from requests_app.models import ServiceRequest, Status
from tests.accounts.factories import AdminFactory


class ExportJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExportJob

    requested_by = factory.SubFactory(AdminFactory)
    kind = ExportKind.SERVICE_REQUESTS
    filters = factory.LazyFunction(dict)
    status = ExportStatus.PENDING


def seed_requests(count, *, service, customer, professional=None, **fields):
    """``count`` requests; every third one assigned to ``professional`` and completed."""
    rows = []
    for index in range(count):
        completed = professional is not None and index % 3 == 0
        rows.append(
            ServiceRequest(
                service=service,
                customer=customer,
                professional=professional if completed else None,
                status=Status.COMPLETED if completed else Status.REQUESTED,
                final_price=Decimal("45.50") if completed else None,
                completed_at=timezone.now() if completed else None,
                assigned_at=timezone.now() if completed else None,
                description=f'Job {index}: "tap", sink,\nand basin',
                address=f"{index} MG Road, Bengaluru",
                pin_code="560001" if index % 2 else "560002",
                price_estimate=Decimal("40.00"),
                **fields,
            )
        )
    return ServiceRequest.objects.bulk_create(rows, batch_size=1000)
