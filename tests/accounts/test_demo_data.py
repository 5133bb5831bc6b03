"""manage.py load_demo_data: a believable demo, the same after a second run."""

import io

import pytest
from django.core.management import call_command

from accounts.models import ProfessionalProfile, Role, User, VerificationStatus
from catalog.models import Service, ServiceKind

pytestmark = pytest.mark.django_db


def load() -> str:
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def snapshot():
    return (
        sorted(User.objects.values_list("email", "role", "is_active")),
        sorted(Service.objects.values_list("name", "kind", "base_price", "is_active")),
        sorted(
            ProfessionalProfile.objects.values_list("user__email", "service__name", "verification_status")
        ),
    )


def test_loads_a_catalogue_of_both_kinds_an_admin_customers_and_approved_professionals():
    load()

    assert Service.objects.filter(kind=ServiceKind.AT_ADDRESS).count() >= 4
    assert Service.objects.filter(kind=ServiceKind.DISPATCH).count() >= 4
    admin = User.objects.get(email="admin@householdsvc.local")
    assert admin.is_admin and admin.check_password("demo-pass-123")
    assert User.objects.filter(role=Role.CUSTOMER).count() >= 3
    professionals = ProfessionalProfile.objects.all()
    assert professionals.count() >= 5
    assert all(p.verification_status == VerificationStatus.APPROVED for p in professionals)
    # Around Bengaluru.
    assert all(
        12.8 < float(p.current_latitude) < 13.2 and 77.4 < float(p.current_longitude) < 77.9
        for p in professionals
    )


def test_the_log_ins_are_printed_on_their_own_with_the_url_to_open():
    load()
    out = io.StringIO()

    call_command("demo_logins", "--url", "http://127.0.0.1:8123", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[1] == "householdsvc is starting: open http://127.0.0.1:8123/"
    assert "every password is demo-pass-123" in lines[2]
    assert (
        lines[3] == "  admin         admin@householdsvc.local   (back office: http://127.0.0.1:8123/admin/)"
    )
    assert "  customer      asha@householdsvc.local" in lines
    assert "  professional  ravi.plumber@householdsvc.local   (Plumbing repair)" in lines


def test_running_twice_leaves_the_same_data():
    load()
    first = snapshot()

    load()

    assert snapshot() == first


def test_a_later_step_can_extend_the_demo(monkeypatch, settings):
    seen = {}
    settings.DEMO_STEPS = [*settings.DEMO_STEPS, "tests.accounts.test_demo_data.record_demo"]
    monkeypatch.setattr("tests.accounts.test_demo_data.SEEN", seen)

    load()

    assert seen["customers"] >= 3 and seen["professionals"] >= 5 and "Towing" in seen["services"]


SEEN: dict = {}


def record_demo(demo):
    SEEN.update(
        customers=len(demo.customers), professionals=len(demo.professionals), services=set(demo.services)
    )
