"""Dispatch matching on PostgreSQL walks the GiST (cube/earthdistance) index nearest first, and
finds exactly the professionals, in exactly the order, of the portable bounding-box +
haversine query SQLite runs (the nearest 20 of them: all that dispatch ever reads)."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import ProfessionalProfile
from requests_app import matching
from requests_app.models import Offer, Status
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
    knn = matching._nearest_by_knn(service_request)
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


def test_matching_walks_the_index_by_default_on_postgresql():
    from django.conf import settings

    assert settings.DISPATCH_MATCHING_KNN is True


def test_the_nearest_few_are_read_from_the_partial_gist_index_nearest_first():
    rng = random.Random(14)
    service = DispatchServiceFactory()
    _professionals(service, 30, rng)
    customer_request = ServiceRequestFactory(
        service=service, latitude=Decimal("13.000000"), longitude=Decimal("77.500000"), pin_code=""
    )
    sql, params = matching.knn_nearest_sql(customer_request)
    with connection.cursor() as cursor:
        # A few rows make a scan and a sort cheaper: take them off the table to see that the
        # index can serve the order (bench/geo.py shows the planner choosing it on 100,000).
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    walk = plan.split("Index Scan using pro_available_earth_idx")[1].split("InitPlan")[0]
    # The service and the box of the widest radius are part of the index walk (the service a
    # bigint, the column's own type), nothing is a filter of the scan itself.
    assert f"Index Cond: ((service_id = '{service.pk}'::bigint) AND ((ll_to_earth(" in walk
    assert "<@ cube_enlarge(" in walk
    assert "Order By: ((ll_to_earth(" in walk
    assert "Filter:" not in walk


def test_the_walk_goes_on_past_nearer_professionals_who_do_not_count():
    """The 50 nearest have stale positions or are blocked: the walk reads past them (in the same
    statement) and finds the same three the portable path finds."""
    service = DispatchServiceFactory()
    stale = timezone.now() - timedelta(hours=2)
    for i in range(50):
        ProfessionalFactory(
            is_active=not i % 2,
            professional_profile__service=service,
            professional_profile__is_available=True,
            professional_profile__service_radius_km=400,
            professional_profile__current_latitude=Decimal("13.000000") + Decimal(i) / 10000,
            professional_profile__current_longitude=Decimal("77.500000"),
            professional_profile__position_updated_at=timezone.now() if i % 2 else stale,
        )
    far = [
        ProfessionalFactory(
            professional_profile__service=service,
            professional_profile__is_available=True,
            professional_profile__service_radius_km=400,
            professional_profile__current_latitude=Decimal("13.100000") + Decimal(i) / 100,
            professional_profile__current_longitude=Decimal("77.500000"),
            professional_profile__position_updated_at=timezone.now(),
        )
        for i in range(3)
    ]
    customer_request = ServiceRequestFactory(
        service=service,
        latitude=Decimal("13.000000"),
        longitude=Decimal("77.500000"),
        pin_code="",
        open_offers=False,
    )
    knn, box = _both_ways(customer_request)

    assert [pk for pk, _ in knn] == [user.pk for user in far]
    assert knn == box
    assert [round(km, 2) for _, km in knn] == [11.12, 12.23, 13.34]


def test_nobody_in_range_stops_the_walk_at_the_widest_radius(django_assert_max_num_queries):
    service = DispatchServiceFactory()
    for i in range(60):
        ProfessionalFactory(
            professional_profile__service=service,
            professional_profile__is_available=True,
            professional_profile__service_radius_km=5,
            professional_profile__current_latitude=Decimal("14.000000") + Decimal(i) / 1000,
            professional_profile__current_longitude=Decimal("77.500000"),
            professional_profile__position_updated_at=timezone.now(),
        )
    customer_request = ServiceRequestFactory(
        service=service,
        latitude=Decimal("13.000000"),
        longitude=Decimal("77.500000"),
        pin_code="",
        open_offers=False,
    )
    # One statement: the walk ends at the box of the widest radius (5 km).
    with django_assert_max_num_queries(1):
        assert list(matching.dispatch_candidates(service_request=customer_request)) == []


def _values(user):
    profile = user.professional_profile
    return (
        [getattr(user, f.attname) for f in type(user)._meta.concrete_fields],
        [getattr(profile, f.attname) for f in ProfessionalProfile._meta.concrete_fields],
    )


def test_the_nearest_as_callers_read_them_is_one_statement_with_the_orms_users_and_profiles(
    django_assert_num_queries,
):
    """``nearest_professionals`` (offers, quotes): the same people, order and distances as the
    queryset, every field of the user and the profile as the ORM loads them, in one query."""
    rng = random.Random(3)
    service = DispatchServiceFactory()
    _professionals(service, 80, rng)
    customer_request = ServiceRequestFactory(
        service=service, latitude=Decimal("13.000000"), longitude=Decimal("77.500000"), pin_code=""
    )
    expected = list(matching._nearest_by_knn(customer_request))
    assert len(expected) == 20

    with django_assert_num_queries(1):
        found = matching.nearest_professionals(service_request=customer_request)
        read = [(user.pk, round(user.distance_km, 6), _values(user)) for user in found]

    assert read == [(user.pk, round(user.distance_km, 6), _values(user)) for user in expected]
    assert [user.professional_profile.user for user in found] == found
    with django_assert_num_queries(1):
        assert matching.nearest_professionals(service_request=customer_request, limit=3) == expected[:3]


def test_the_nearest_leave_out_those_offered_and_carry_when_they_were_last_assigned():
    rng = random.Random(4)
    service = DispatchServiceFactory()
    _professionals(service, 60, rng)
    customer_request = ServiceRequestFactory(
        service=service,
        latitude=Decimal("13.000000"),
        longitude=Decimal("77.500000"),
        pin_code="",
        open_offers=False,
    )
    nearest = list(matching._nearest_by_knn(customer_request))
    for professional in nearest[:2]:
        Offer.objects.create(
            request=customer_request, professional=professional, round=1, offered_at=timezone.now()
        )
    assigned_at = timezone.now() - timedelta(days=3)
    earlier = ServiceRequestFactory(
        service=service,
        status=Status.COMPLETED,
        professional=nearest[2],
        final_price=Decimal("90.00"),
        pin_code="",
    )
    type(earlier).objects.filter(pk=earlier.pk).update(assigned_at=assigned_at)

    found = matching.nearest_professionals(
        service_request=customer_request, exclude_offered=True, with_last_job=True
    )

    assert [user.pk for user in found] == [user.pk for user in nearest[2:]]
    assert found[0].last_job_at == assigned_at
    assert [user.last_job_at for user in found[1:]] == [None] * (len(found) - 1)
