"""One admin rule (``User.is_admin`` / ``accounts.models.is_admin``) for every app: the admin
role with back-office access, and not blocked. Signing in and tokens already refuse a blocked
user; these cover an admin object read before the block and handed to a service or selector
(a task, a command, the shell)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import User
from catalog import selectors as catalog_selectors
from catalog import services as catalog_services
from exports import selectors as export_selectors
from exports import services as export_services
from householdsvc.core import errors
from householdsvc.core.permissions import is_admin
from tests.catalog.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def blocked_admin(admin_user):
    """Ada, read while she was an admin, then blocked by another admin."""
    User.objects.filter(pk=admin_user.pk).update(is_active=False)
    admin_user.is_active = False
    return admin_user


def test_only_an_active_admin_is_an_admin(admin_user, customer, professional):
    assert is_admin(admin_user)
    for anybody_else in (None, AnonymousUser(), customer, professional):
        assert not is_admin(anybody_else)


def test_a_blocked_admin_is_not_an_admin(blocked_admin):
    assert not blocked_admin.is_admin
    assert not is_admin(blocked_admin)


def test_a_blocked_admin_cannot_approve_block_change_the_catalogue_or_export(
    blocked_admin, pending_professional, customer, service
):
    with pytest.raises(errors.NotAllowed):
        account_services.professional_approve(professional_id=pending_professional.pk, actor=blocked_admin)
    with pytest.raises(errors.NotAllowed):
        account_services.user_block(user_id=customer.pk, actor=blocked_admin)
    with pytest.raises(errors.NotAllowed):
        catalog_services.service_update(service_id=service.pk, actor=blocked_admin, is_active=False)
    with pytest.raises(errors.NotAllowed):
        export_services.export_job_create(actor=blocked_admin, kind="reviews", filters={})


def test_a_blocked_admin_reads_as_a_member_of_the_public(blocked_admin, pending_professional):
    retired = ServiceFactory(is_active=False)

    assert retired not in catalog_selectors.services_visible_to(blocked_admin)
    assert pending_professional.pk not in {
        profile.user_id for profile in account_selectors.professionals_visible_to(blocked_admin)
    }
    with pytest.raises(errors.NotFound):
        account_selectors.professional_document_get(
            user=blocked_admin, professional_id=pending_professional.pk
        )
    assert not export_selectors.export_job_list(user=blocked_admin).exists()
