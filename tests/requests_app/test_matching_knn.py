"""Dispatch matching on PostgreSQL walks the GiST (cube/earthdistance) index nearest first, and
finds exactly the professionals, in exactly the order, of the portable bounding-box +
haversine query SQLite runs (the nearest 20 of them: all that dispatch ever reads)."""

import random
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from requests_app import matching
from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import DispatchServiceFactory
from tests.requests_app.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db


def _professionals(service, count, rng):
    for _ in range(count):
        ProfessionalFactory(
            professional_profile__service=service,
            professional_profile__service_radius_km=rng.choice([5, 20, 60, 400]),
            professional_profile__average_rating=Decimal(rng.choice(["3.00", "4.50"])),
            professional_profile__is_available=rng.random() < 0.8,
            professional_profile__current_latitude=Decimal(f"{rng.uniform(11.0, 15.0):.6f}"),
            professional_profile__current_longitude=Decimal(f"{rng.uniform(75.0, 80.0):.6f}"),
            professional_profile__position_updated_at=timezone.now(),
        )


def _both_ways(service_request):
    candidates = matching.suitable_professionals(service_request=service_request).filter(
        professional_profile__current_latitude__isnull=False,
        professional_profile__position_updated_at__gte=matching.position_fresh_since(),
    )
    knn = matching._nearest_by_knn(candidates, service_request)
    box = matching._nearest_by_box(candidates, service_request, 400)
    return (
        [(user.pk, round(user.distance_km, 6)) for user in knn],
        [(user.pk, round(user.distance_km, 6)) for user in box],
    )


def test_the_index_path_finds_the_same_professionals_in_the_same_order_as_the_portable_one():
    assert connection.vendor == "postgresql"
    rng = random.Random(8)
    service = DispatchServiceFactory()
    _professionals(service, 120, rng)
    customer_request = ServiceRequestFactory(
        service=service, latitude=Decimal("13.000000"), longitude=Decimal("77.500000"), pin_code=""
    )
    checked = 0
    for _ in range(12):
        customer_request.latitude = Decimal(f"{rng.uniform(11.5, 14.5):.6f}")
        customer_request.longitude = Decimal(f"{rng.uniform(75.5, 79.5):.6f}")
        knn, box = _both_ways(customer_request)
        # The index path ranks the nearest 20 (matching.nearest_cap()), the portable one all.
        assert knn == box[:20]
        checked += len(knn)
    assert checked > 100  # the comparison covered many professionals, not empty lists


def test_the_nearest_few_are_read_from_the_gist_index(settings):
    settings.DISPATCH_MATCHING_KNN = True
    rng = random.Random(14)
    service = DispatchServiceFactory()
    _professionals(service, 30, rng)
    customer_request = ServiceRequestFactory(
        service=service, latitude=Decimal("13.000000"), longitude=Decimal("77.500000"), pin_code=""
    )
    queryset = matching.dispatch_candidates(service_request=customer_request)[:10]
    with connection.cursor() as cursor:
        # A few rows make a scan and a sort cheaper: take them off the table to see that the
        # index can serve the order (bench/geo.py shows the planner choosing it on 100,000).
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        plan = queryset.explain()

    assert "Index Scan using pro_service_earth_idx" in plan
    assert "Order By: ((ll_to_earth(" in plan
