"""The back office's index page: what it costs does not grow with the data."""

import pytest
from django.urls import reverse

from tests.requests_app.factories import ServiceRequestFactory

# Session, user, and the recent-actions box's log; the app list comes from the registry.
INDEX_QUERIES = 3


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 30])
def test_admin_index_queries_are_pinned(
    admin_browser, customer, service, rows, django_assert_max_num_queries
):
    ServiceRequestFactory.create_batch(rows, customer=customer, service=service)

    with django_assert_max_num_queries(INDEX_QUERIES):
        response = admin_browser.get(reverse("admin:index"))

    assert response.status_code == 200
