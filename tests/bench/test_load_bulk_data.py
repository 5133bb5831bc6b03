"""The bulk generator on a small scale: the counts asked for, rows that satisfy every constraint
and tell a consistent story, and a second run that adds nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count

from accounts.models import CustomerProfile, ProfessionalProfile, Role, User, VerificationStatus
from catalog.models import Service, ServiceKind
from requests_app.management.commands.load_bulk_data import ADMIN_EMAIL, BULK_PASSWORD
from requests_app.models import STATUSES_WITH_PROFESSIONAL, RequestEvent, ServiceRequest, Status

SMALL = {"requests": 1000, "professionals": 100, "customers": 50, "services": 8}


def load(**counts) -> str:
    out = StringIO()
    call_command("load_bulk_data", **{**SMALL, **counts}, stdout=out)
    return out.getvalue()


def check_deferred_constraints():
    # Foreign keys are DEFERRABLE INITIALLY DEFERRED: inside the test's transaction they would
    # only be checked at a commit that never comes, so ask PostgreSQL to check them now.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture
def loaded(db):
    load()


def test_it_loads_the_counts_asked_for(loaded):
    assert Service.objects.count() == 8
    assert User.objects.filter(role=Role.CUSTOMER).count() == 50
    assert CustomerProfile.objects.count() == 50
    assert User.objects.filter(role=Role.PROFESSIONAL).count() == 100
    assert ProfessionalProfile.objects.count() == 100
    assert ServiceRequest.objects.count() == 1000
    assert User.objects.filter(email=ADMIN_EMAIL, role=Role.ADMIN, is_staff=True).exists()


def test_foreign_keys_hold(loaded):
    check_deferred_constraints()


def test_services_of_both_kinds(loaded):
    kinds = set(ServiceRequest.objects.values_list("service__kind", flat=True).distinct())
    assert kinds == {ServiceKind.AT_ADDRESS, ServiceKind.DISPATCH}


def test_status_mix_is_realistic(loaded):
    by_status = dict(ServiceRequest.objects.values_list("status").annotate(n=Count("id")))
    finished = by_status.get(Status.CLOSED, 0) + by_status.get(Status.COMPLETED, 0)
    assert finished > 600
    assert by_status.get(Status.REQUESTED, 0) > 0
    assert by_status.get(Status.CANCELLED, 0) > 0


def test_working_requests_have_an_approved_professional_of_their_service(loaded):
    working = ServiceRequest.objects.filter(status__in=STATUSES_WITH_PROFESSIONAL).select_related(
        "professional__professional_profile"
    )
    assert working.exists()
    for service_request in working:
        profile = service_request.professional.professional_profile
        assert profile.service_id == service_request.service_id
        assert profile.verification_status == VerificationStatus.APPROVED
        assert service_request.assigned_at is not None
    assert not ServiceRequest.objects.filter(status=Status.REQUESTED, professional__isnull=False).exists()


def test_stage_timestamps_follow_each_other(loaded):
    for service_request in ServiceRequest.objects.filter(status=Status.CLOSED):
        stamps = [
            service_request.created_at,
            service_request.assigned_at,
            service_request.started_at,
            service_request.arrived_at,
            service_request.completed_at,
            service_request.closed_at,
        ]
        assert stamps == sorted(stamps)
        assert service_request.final_price is not None
    for service_request in ServiceRequest.objects.filter(status=Status.CANCELLED):
        assert service_request.cancelled_at >= service_request.created_at
        assert service_request.completed_at is None


def test_dispatch_requests_have_a_position_around_the_city(loaded):
    dispatch = ServiceRequest.objects.filter(service__kind=ServiceKind.DISPATCH)
    assert dispatch.exists()
    assert not dispatch.filter(latitude__isnull=True).exists()
    for lat, lng in ServiceRequest.objects.filter(latitude__isnull=False).values_list(
        "latitude", "longitude"
    ):
        assert 12.8 < lat < 13.2
        assert 77.4 < lng < 77.8


def test_some_customer_has_many_requests(loaded):
    busiest = ServiceRequest.objects.values("customer").annotate(n=Count("id")).order_by("-n").first()
    assert busiest["n"] >= 100


def test_users_share_a_working_password(loaded):
    customer = User.objects.filter(role=Role.CUSTOMER).first()
    assert customer.check_password(BULK_PASSWORD)
    assert ProfessionalProfile.objects.exclude(document="").count() == 100


def test_a_sample_of_requests_has_its_create_event(loaded):
    events = RequestEvent.objects.filter(action="create")
    assert 50 <= events.count() <= 150
    event = events.select_related("request").first()
    assert event.actor_id == event.request.customer_id


def test_a_second_run_adds_nothing(loaded):
    before = list(ServiceRequest.objects.order_by("id").values_list("id", "status"))
    output = load()
    assert "nothing to do" in output
    assert list(ServiceRequest.objects.order_by("id").values_list("id", "status")) == before
    assert User.objects.count() == 151


def test_a_larger_count_tops_up_where_the_last_run_stopped(db):
    load(requests=400)
    first_ids = set(ServiceRequest.objects.values_list("id", flat=True))
    load(requests=1000)
    assert ServiceRequest.objects.count() == 1000
    assert first_ids < set(ServiceRequest.objects.values_list("id", flat=True))
    assert User.objects.filter(role=Role.CUSTOMER).count() == 50
    check_deferred_constraints()


def test_zero_counts_are_refused(db):
    with pytest.raises(CommandError):
        load(professionals=0)
