"""service_create and service_update: admins only, and the catalogue's rules."""

from decimal import Decimal

import pytest

from catalog import services
from catalog.models import Service, ServiceKind
from householdsvc.core import errors

pytestmark = pytest.mark.django_db


def create(actor, **overrides):
    fields = {"name": "Sofa cleaning", "base_price": "35.50", "time_required_minutes": 90}
    fields.update(overrides)
    return services.service_create(actor=actor, **fields)


def test_admin_adds_a_service(admin_user):
    service = create(admin_user, kind=ServiceKind.DISPATCH, description="  Seats and cushions ")

    service.refresh_from_db()
    assert service.base_price == Decimal("35.50")
    assert service.kind == ServiceKind.DISPATCH
    assert service.description == "Seats and cushions"
    assert service.is_active


@pytest.mark.parametrize("actor_fixture", ["customer", "professional"])
def test_non_admins_cannot_change_the_catalogue(request, actor_fixture, service):
    actor = request.getfixturevalue(actor_fixture)

    with pytest.raises(errors.NotAllowed):
        create(actor)
    with pytest.raises(errors.NotAllowed):
        services.service_update(service_id=service.pk, actor=actor, base_price="1")
    assert not Service.objects.filter(name="Sofa cleaning").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"base_price": "-1"}, "base_price"),
        ({"base_price": "abc"}, "base_price"),
        ({"name": "   "}, "name"),
        ({"time_required_minutes": 0}, "time_required_minutes"),
        ({"kind": "teleport"}, "kind"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_written(admin_user, overrides, field):
    with pytest.raises(errors.ValidationFailed) as caught:
        create(admin_user, **overrides)

    assert field in caught.value.errors
    assert not Service.objects.exists()


def test_name_is_unique_whatever_the_case(admin_user, service):
    with pytest.raises(errors.ValidationFailed) as caught:
        create(admin_user, name="DEEP Cleaning")

    assert "name" in caught.value.errors
    assert Service.objects.count() == 1


def test_admin_updates_price_and_deactivates(admin_user, service):
    services.service_update(service_id=service.pk, actor=admin_user, base_price="55", is_active=False)

    service.refresh_from_db()
    assert service.base_price == Decimal("55.00")
    assert not service.is_active


def test_renaming_onto_another_services_name_is_refused(admin_user, service, dispatch_service):
    with pytest.raises(errors.ValidationFailed) as caught:
        services.service_update(service_id=dispatch_service.pk, actor=admin_user, name="deep cleaning")

    assert "name" in caught.value.errors
    dispatch_service.refresh_from_db()
    assert dispatch_service.name == "Flat tyre"


def test_keeping_its_own_name_in_another_case_is_allowed(admin_user, service):
    updated = services.service_update(service_id=service.pk, actor=admin_user, name="Deep Cleaning")

    assert updated.name == "Deep Cleaning"


def test_negative_price_on_update_changes_nothing(admin_user, service):
    with pytest.raises(errors.ValidationFailed):
        services.service_update(service_id=service.pk, actor=admin_user, base_price="-5", name="Other")

    service.refresh_from_db()
    assert service.base_price == Decimal("40.00")
    assert service.name == "Deep cleaning"


def test_unknown_fields_are_refused(admin_user, service):
    with pytest.raises(errors.ValidationFailed) as caught:
        services.service_update(service_id=service.pk, actor=admin_user, created_at="2020-01-01")

    assert "created_at" in caught.value.errors


def test_updating_a_missing_service_is_not_found(admin_user):
    with pytest.raises(errors.NotFound):
        services.service_update(service_id=424242, actor=admin_user, base_price="1")
