"""service_get: an inactive service exists only for admins. (The list and its search are the
API's and the page's ServiceFilter over services_visible_to: tests/catalog/test_api.py, test_pages.py.)"""

import pytest

from catalog import selectors
from householdsvc.core import errors
from tests.catalog.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_an_inactive_service_is_not_found_for_customers(customer, admin_user):
    retired = ServiceFactory(is_active=False)

    with pytest.raises(errors.NotFound):
        selectors.service_get(user=customer, service_id=retired.pk)
    assert selectors.service_get(user=admin_user, service_id=retired.pk) == retired
