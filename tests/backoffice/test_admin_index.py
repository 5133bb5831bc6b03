"""The back office's index page: what it costs does not grow with the data."""

import pytest
from django.urls import reverse

from tests.accounts.factories import AdminFactory
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


@pytest.mark.django_db
def test_the_app_list_is_built_once_per_request_for_that_user(admin_user):
    from django.contrib import admin
    from django.contrib.auth.models import Permission
    from django.test import RequestFactory

    from householdsvc.core.backoffice_site import BackOfficeSite

    assert isinstance(admin.site, BackOfficeSite)
    staff = AdminFactory(email="sam@example.com", full_name="Sam Staff", is_superuser=False)
    staff.user_permissions.add(Permission.objects.get(codename="view_service"))

    def names(apps):
        return sorted(model["object_name"] for app in apps for model in app["models"])

    first, second = RequestFactory().get("/admin/"), RequestFactory().get("/admin/")
    first.user, second.user = admin_user, staff
    everything = admin.site.get_app_list(first)
    assert admin.site.get_app_list(first) is everything  # the same request: built once
    assert admin.site.each_context(first)["available_apps"] is everything
    assert "ServiceRequest" in names(everything) and "User" in names(everything)
    # Another request, another user: their own list, not the first one's.
    assert names(admin.site.get_app_list(second)) == ["ExportJob", "Service"]
    assert names(admin.site.get_app_list(first, "catalog")) == ["Service"]


@pytest.mark.django_db
def test_the_index_still_links_the_models_and_the_board(admin_browser):
    page = admin_browser.get(reverse("admin:index")).content.decode()
    assert page.count('href="/admin/requests_app/servicerequest/"') >= 1
    assert "Dispatch board" in page


@pytest.mark.django_db
def test_the_kept_model_list_is_each_staff_members_own_and_follows_their_permissions(admin_browser):
    from django.contrib.auth.models import Permission
    from django.test import Client

    staff = AdminFactory(email="sam@example.com", full_name="Sam Staff", is_superuser=False)
    staff.user_permissions.add(Permission.objects.get(codename="view_service"))
    sam = Client()
    sam.force_login(staff)

    everything = admin_browser.get(reverse("admin:index")).content.decode()
    assert 'href="/admin/requests_app/servicerequest/"' in everything
    assert 'href="/admin/accounts/user/"' in everything

    # After the superuser's list was kept: Sam's own, the services only (and the exports).
    own = sam.get(reverse("admin:index")).content.decode()
    assert 'href="/admin/catalog/service/" class="viewlink"' in own
    assert "/admin/requests_app/servicerequest/" not in own
    assert "/admin/accounts/user/" not in own
    assert 'href="/admin/catalog/service/add/"' not in own

    # Given the right to change services and to see requests: the next page shows it.
    staff.user_permissions.add(
        Permission.objects.get(codename="change_service"),
        Permission.objects.get(codename="add_service"),
        Permission.objects.get(codename="view_servicerequest"),
    )
    own = sam.get(reverse("admin:index")).content.decode()
    assert 'href="/admin/catalog/service/" class="changelink"' in own
    assert 'href="/admin/catalog/service/add/"' in own
    assert 'href="/admin/requests_app/servicerequest/"' in own
    assert "/admin/accounts/user/" not in own

    # And the superuser's page is still the whole list.
    again = admin_browser.get(reverse("admin:index")).content.decode()
    assert 'href="/admin/accounts/user/"' in again
    assert again.count('class="changelink"') == everything.count('class="changelink"') > 10
