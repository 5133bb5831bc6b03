"""The request changelist's sidebar and filters are kept per language and content: they must stay
Django's own, and a staff member who may see less must not be shown the admin's links."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.contrib.auth.models import Permission
from django.template.loader import get_template
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import Role, User
from tests.accounts.factories import UserFactory

CHANGELIST = reverse("admin:requests_app_servicerequest_changelist")
SIDEBAR = re.compile(r'<button class="sticky toggle-nav-sidebar".*?</nav>', re.S)


def sidebar(html: str) -> str:
    return SIDEBAR.search(html).group(0)


def djangos_sidebar(user) -> str:
    request = RequestFactory().get(CHANGELIST)
    request.user = user
    apps = admin.site.each_context(request)["available_apps"]
    context = {"available_apps": apps, "request": request}
    return sidebar(get_template("admin/nav_sidebar.html").render(context))


@pytest.mark.django_db
def test_sidebar_is_djangos_and_marks_the_requests(admin_browser, admin_user):
    first = sidebar(admin_browser.get(CHANGELIST).content.decode())
    again = sidebar(admin_browser.get(CHANGELIST).content.decode())

    assert first == again == djangos_sidebar(admin_user)
    assert 'class="model-servicerequest current-model"' in first
    assert f'<a href="{CHANGELIST}" aria-current="page">Service requests</a>' in first
    assert reverse("admin:accounts_user_changelist") in first


@pytest.mark.django_db
def test_staff_with_fewer_rights_sees_only_their_links(admin_browser):
    admin_browser.get(CHANGELIST)  # the admin's sidebar is kept first
    clerk = UserFactory(email="clerk@example.com", role=Role.ADMIN, is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_servicerequest"))
    browser = Client()
    browser.force_login(clerk)

    shown = sidebar(browser.get(CHANGELIST).content.decode())

    assert shown == djangos_sidebar(User.objects.get(pk=clerk.pk))
    assert reverse("admin:accounts_user_changelist") not in shown
    assert f'<a href="{CHANGELIST}" aria-current="page">Service requests</a>' in shown


def djangos_filters(response) -> list[str]:
    cl = response.context["cl"]
    return [admin_list.admin_list_filter(cl, spec) for spec in cl.filter_specs]


@pytest.mark.django_db
def test_filters_are_djangos_and_follow_the_selection(admin_browser, open_request):
    plain = admin_browser.get(CHANGELIST)
    again = admin_browser.get(CHANGELIST)
    paid = admin_browser.get(CHANGELIST, {"payment_status__exact": "paid", "q": "alice"})

    for response in (plain, again, paid):
        html = response.content.decode()
        for expected in djangos_filters(response):
            assert expected in html
    # The status filter's "All" keeps the payment filter and the search; nothing was chosen there.
    assert '<li class="selected">\n    <a href="?payment_status__exact=paid&amp;q=alice">All</a></li>' in (
        paid.content.decode()
    )
    assert '<li class="selected">\n    <a href="?">All</a></li>' in plain.content.decode()
