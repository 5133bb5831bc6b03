"""The admin header's user links are kept per language and kind of user (base_site.html's
``{% kept_userlinks %}``): they must stay Django's own block's output, each page's CSRF token
its own and valid, and follow what differs between users."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.template import engines
from django.template.backends.django import Template
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from tests.accounts.factories import UserFactory

INDEX = reverse("admin:index")
CHANGELIST = reverse("admin:catalog_service_changelist")
USER_TOOLS = re.compile(r'<div id="user-tools">.*?</div>', re.S)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def user_tools(html: str) -> str:
    return TOKEN.sub("csrf", USER_TOOLS.search(html).group(0))


def djangos_user_tools(response) -> str:
    """The same page's context through Django's admin/base.html itself (no base_site.html)."""
    backend = engines["django"]
    base, _ = backend.engine.find_template("admin/base.html")
    request = response.wsgi_request
    with translation.override(request.LANGUAGE_CODE):  # the page's language, as it was served
        return user_tools(Template(base, backend).render(response.context_data, request))


def browser_for(user, **kwargs):
    browser = Client(**kwargs)
    browser.force_login(user)
    return browser


@pytest.mark.django_db
@pytest.mark.parametrize("path", [INDEX, CHANGELIST])
def test_user_links_are_djangos_on_each_page(admin_browser, path):
    first = admin_browser.get(path)
    again = admin_browser.get(path)

    for response in (first, again):
        assert user_tools(response.content.decode()) == djangos_user_tools(response)
    shown = user_tools(again.content.decode())
    assert f'<a href="{reverse("admin:password_change")}">Change password</a>' in shown
    assert f'action="{reverse("admin:logout")}"' in shown and 'class="theme-toggle"' in shown


@pytest.mark.django_db
def test_each_page_carries_its_own_valid_csrf_token(admin_user):
    browser = browser_for(admin_user, enforce_csrf_checks=True)
    tokens = [TOKEN.search(browser.get(INDEX).content.decode()).group(1) for _ in range(2)]

    assert tokens[0] != tokens[1]  # masked afresh per page, as Django's
    response = browser.post(reverse("admin:logout"), {"csrfmiddlewaretoken": tokens[1]})
    assert response.status_code == 302  # logged out and sent home, not refused (403)
    assert browser.get(INDEX).url.startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_user_links_follow_the_user_and_their_language(admin_browser, admin_user):
    admin_browser.get(INDEX)  # the superuser's links are kept first
    no_password = UserFactory(email="sso@example.com", role=Role.ADMIN, is_staff=True, is_superuser=True)
    no_password.set_unusable_password()
    no_password.save()
    hindi = UserFactory(
        email="hindi@example.com", role=Role.ADMIN, is_staff=True, is_superuser=True, language="hi"
    )

    without = browser_for(no_password).get(INDEX)
    in_hindi = browser_for(hindi).get(INDEX)
    again = admin_browser.get(INDEX)

    assert user_tools(without.content.decode()) == djangos_user_tools(without)
    assert reverse("admin:password_change") not in user_tools(without.content.decode())
    assert user_tools(in_hindi.content.decode()) == djangos_user_tools(in_hindi)
    assert user_tools(in_hindi.content.decode()) != user_tools(again.content.decode())
    assert user_tools(again.content.decode()) == djangos_user_tools(again)
    assert reverse("admin:password_change") in user_tools(again.content.decode())


@pytest.mark.django_db
def test_user_links_follow_the_sites_view_site_link(admin_browser, monkeypatch):
    with_link = admin_browser.get(INDEX)
    monkeypatch.setattr(admin.site, "site_url", None)
    without_link = admin_browser.get(INDEX)

    assert 'href="/">View site</a>' in user_tools(with_link.content.decode())
    assert "View site" not in user_tools(without_link.content.decode())
    assert user_tools(without_link.content.decode()) == djangos_user_tools(without_link)


SIDEBAR = re.compile(r'<button class="sticky toggle-nav-sidebar".*?</nav>', re.S)


def sidebar(html: str) -> str:
    return SIDEBAR.search(html).group(0)


def djangos_sidebar(response) -> str:
    """Django's admin/nav_sidebar.html over the same page's links and path."""
    context = {"available_apps": response.context_data["available_apps"], "request": response.wsgi_request}
    return sidebar(get_template("admin/nav_sidebar.html").render(context))


@pytest.mark.django_db
def test_every_admin_pages_sidebar_is_djangos_and_marks_that_page(admin_browser, service):
    change = reverse("admin:catalog_service_change", args=[service.pk])
    add = reverse("admin:accounts_user_add")
    responses = [admin_browser.get(path) for path in (change, add, change)]

    for response in responses:
        assert sidebar(response.content.decode()) == djangos_sidebar(response)
    shown = sidebar(responses[0].content.decode())
    services = reverse("admin:catalog_service_changelist")
    assert '<tr class="model-service current-model">' in shown
    assert f'<a href="{services}" aria-current="page">' in shown
    assert "current-model" not in sidebar(responses[1].content.decode()).replace(
        "model-user current-model", ""
    )


@pytest.mark.django_db
def test_a_limited_staff_members_sidebar_is_their_own(admin_browser, service):
    change = reverse("admin:catalog_service_change", args=[service.pk])
    admin_browser.get(change)  # the superuser's sidebar for this page is kept first
    clerk = UserFactory(email="clerk@example.com", role=Role.ADMIN, is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_service"))

    response = browser_for(clerk).get(change)

    shown = sidebar(response.content.decode())
    assert shown == djangos_sidebar(response)
    assert reverse("admin:accounts_user_changelist") not in shown
    assert reverse("admin:catalog_service_changelist") in shown
