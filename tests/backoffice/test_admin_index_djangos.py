"""The admin index keeps its app list per set of rights and reads "My actions" in one query:
what each staff member sees must stay Django's own, theirs alone, and current."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.admin.sites import AdminSite
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.template import engines
from django.template.backends.django import Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from accounts.models import Role, User
from tests.accounts.factories import AdminFactory, UserFactory

INDEX = reverse("admin:index")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
DASHBOARD = re.compile(r'\s*<div class="module" id="back-office-dashboard">.*?</div>', re.S)


def djangos_app_list(user, path=INDEX):
    """``AdminSite.get_app_list`` as Django builds it, nothing kept."""
    request = RequestFactory().get(path)
    request.user = User.objects.get(pk=user.pk)  # a fresh permission cache
    return AdminSite.get_app_list(admin.site, request)


def kept_app_list(user, path=INDEX):
    request = RequestFactory().get(path)
    request.user = User.objects.get(pk=user.pk)
    return admin.site.get_app_list(request)


def djangos_index(response) -> str:
    """The same response's context through Django's own admin/index.html (our base_site.html
    under it, as for every admin page), with the get_admin_log tag and the include."""
    backend = engines["django"]
    _, ours = backend.engine.find_template("admin/index.html")
    djangos, _ = backend.engine.find_template("admin/index.html", skip=[ours])
    return Template(djangos, backend).render(response.context_data, response.wsgi_request)


def comparable(html: str) -> str:
    return DASHBOARD.sub("", TOKEN.sub("csrf", html))


def staff(email, *codenames):
    member = UserFactory(email=email, role=Role.ADMIN, is_staff=True)
    member.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return member


@pytest.mark.django_db
def test_the_kept_app_list_is_djangos_for_each_set_of_rights(admin_user):
    clerk = staff("clerk@example.com", "view_service", "view_servicerequest")
    editor = staff("editor@example.com", "view_service", "change_service", "add_service")
    newcomer = staff("newcomer@example.com")

    for user in (admin_user, clerk, editor, newcomer, admin_user, clerk):
        assert kept_app_list(user) == djangos_app_list(user)
    assert kept_app_list(admin_user) != kept_app_list(clerk) != kept_app_list(editor)
    # Without a single permission: the exports only (ExportJobAdmin asks is_admin, not a permission).
    assert [m["object_name"] for app in kept_app_list(newcomer) for m in app["models"]] == ["ExportJob"]


@pytest.mark.django_db
def test_the_kept_app_list_follows_a_change_of_rights_and_of_language(admin_user):
    clerk = staff("clerk@example.com", "view_service")
    before = kept_app_list(clerk)

    clerk.user_permissions.add(Permission.objects.get(codename="change_service"))

    after = kept_app_list(clerk)
    assert after == djangos_app_list(clerk) != before
    with translation.override("hi"):
        hindi = kept_app_list(admin_user)
        assert hindi == djangos_app_list(admin_user)
        djangos = djangos_app_list(admin_user)
        assert [str(app["name"]) for app in hindi] == [str(app["name"]) for app in djangos]


@pytest.mark.django_db
def test_each_request_gets_its_own_copy_of_the_kept_list(admin_user):
    first = kept_app_list(admin_user)
    first[0]["models"].clear()
    first[0]["name"] = "Scribbled"
    first.append({"name": "Extra"})

    assert kept_app_list(admin_user) == djangos_app_list(admin_user)


def log(user, flag, obj=None, *, repr_="", content_type=None, object_id=None):
    return LogEntry.objects.create(
        user=user,
        content_type=content_type or (ContentType.objects.get_for_model(obj) if obj else None),
        object_id=object_id if object_id is not None else (str(obj.pk) if obj else None),
        object_repr=repr_ or str(obj),
        action_flag=flag,
    )


@pytest.mark.django_db
def test_my_actions_are_djangos_own_and_the_users_alone(admin_browser, admin_user, service):
    other = AdminFactory(email="other@example.com")
    gone = ContentType.objects.create(app_label="gone", model="ghost")
    log(admin_user, ADDITION, service, repr_="<Deep & clean>")
    log(admin_user, CHANGE, service)
    log(admin_user, DELETION, service, repr_="Removed service")
    log(admin_user, CHANGE, repr_="Without a type")
    log(admin_user, CHANGE, content_type=gone, object_id="7", repr_="A ghost")
    log(other, CHANGE, service, repr_="Other admin's change")

    response = admin_browser.get(INDEX)
    page = response.content.decode()

    assert comparable(page) == comparable(djangos_index(response))
    assert "Other admin&#x27;s change" not in page
    assert "&lt;Deep &amp; clean&gt;" in page
    assert f'<a href="{reverse("admin:catalog_service_change", args=[service.pk])}">' in page
    assert "Unknown content" in page


@pytest.mark.django_db
def test_my_actions_show_the_ten_latest_and_a_new_one_at_once(admin_browser, admin_user, service):
    for n in range(12):
        log(admin_user, CHANGE, service, repr_=f"Change {n:02d}")
    page = admin_browser.get(INDEX).content.decode()
    assert "Change 11" in page and "Change 02" in page and "Change 01" not in page

    log(admin_user, ADDITION, service, repr_="Just now")

    response = admin_browser.get(INDEX)
    assert "Just now" in response.content.decode()
    assert comparable(response.content.decode()) == comparable(djangos_index(response))


@pytest.mark.django_db
def test_a_limited_staff_members_index_is_djangos_and_their_own(admin_browser, admin_user, service):
    admin_browser.get(INDEX)  # the superuser's list and HTML are kept first
    clerk = staff("clerk@example.com", "view_service")
    log(clerk, CHANGE, service, repr_="Clerk's look")
    log(admin_user, CHANGE, service, repr_="Ada's change")
    browser = Client()
    browser.force_login(clerk)

    response = browser.get(INDEX)
    page = response.content.decode()

    assert comparable(page) == comparable(djangos_index(response))
    assert reverse("admin:accounts_user_changelist") not in page
    assert "Clerk&#x27;s look" in page and "Ada&#x27;s change" not in page


@pytest.mark.django_db
def test_rendered_without_the_sites_entries_the_index_asks_django_for_them(
    admin_browser, admin_user, service
):
    log(admin_user, CHANGE, service, repr_="Seen anyway")
    response = admin_browser.get(INDEX)
    context = {key: value for key, value in response.context_data.items() if key != "recent_actions"}

    ours = engines["django"].get_template("admin/index.html").render(context, response.wsgi_request)

    assert "Seen anyway" in ours
    assert comparable(ours) == comparable(djangos_index(response))


# Session, user, the user's and their groups' permissions, and the log.
LIMITED_INDEX_QUERIES = 5


@pytest.mark.django_db
def test_index_queries_stay_pinned_with_actions_and_for_limited_staff(
    admin_browser, admin_user, service, django_assert_max_num_queries
):
    for flag in (ADDITION, CHANGE, DELETION):
        log(admin_user, flag, service)
    clerk = staff("clerk@example.com", "view_service")
    log(clerk, CHANGE, service)
    browser = Client()
    browser.force_login(clerk)
    browser.get(INDEX)

    with django_assert_max_num_queries(3):  # session, user, log: as with no actions
        admin_browser.get(INDEX)
    with django_assert_max_num_queries(LIMITED_INDEX_QUERIES):
        browser.get(INDEX)
