"""The request changelist's fewer and cheaper statements and its kept parts, each showing a change
at once: the estimate read with the drill-down's first and last dates, the service filter's
catalogue through a statement compiled once, the drill-down's and the media's HTML kept."""

import datetime
import re

import pytest
from django import forms
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from catalog.models import Service
from catalog.selectors import service_choices
from householdsvc.core import admin as core_admin
from householdsvc.core import prepared
from householdsvc.core.admin import EstimatedCountPaginator
from householdsvc.core.admin_kept_parts import kept_media
from requests_app.models import ServiceRequest, Status
from tests.catalog.factories import ServiceFactory
from tests.requests_app.factories import ServiceRequestFactory

CHANGELIST = reverse("admin:requests_app_servicerequest_changelist")
UTC = datetime.UTC


def _created(service_request, *date):
    ServiceRequest.objects.filter(pk=service_request.pk).update(
        created_at=datetime.datetime(*date, tzinfo=UTC)
    )


def _years(html: str) -> list[str]:
    return re.findall(r'<a href="\?created_at__year=(\d+)">', html)


@pytest.fixture
def two_requests(customer, service):
    first, last = ServiceRequestFactory.create_batch(2, customer=customer, service=service)
    _created(first, 2024, 3, 5, 10, 30)
    _created(last, 2026, 11, 20, 8, 0)
    with connection.cursor() as cursor:  # the estimate is what ANALYZE last saw
        cursor.execute("ANALYZE requests_app_servicerequest")
    return first, last


@pytest.mark.django_db
def test_an_unfiltered_estimate_comes_with_the_first_and_last_dates(
    two_requests, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(core_admin, "COUNT_CAP", 1)
    paginator = EstimatedCountPaginator(ServiceRequest.objects.all(), 20, bounds_of="created_at")

    with django_assert_num_queries(1) as captured:
        assert paginator.count == 2

    sql = captured.captured_queries[0]["sql"]
    assert "reltuples" in sql and 'MIN("created_at")' in sql and "COUNT(" not in sql.upper()
    assert paginator.table_bounds == (
        datetime.datetime(2024, 3, 5, 10, 30, tzinfo=UTC),
        datetime.datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
    )


@pytest.mark.django_db
def test_a_filtered_count_reads_no_dates(two_requests, django_assert_num_queries):
    paginator = EstimatedCountPaginator(
        ServiceRequest.objects.filter(status=Status.REQUESTED), 20, bounds_of="created_at"
    )

    with django_assert_num_queries(1):
        assert paginator.count == 2

    assert paginator.table_bounds is None


@pytest.mark.django_db
def test_the_drill_down_years_follow_a_new_request_at_once(admin_browser, two_requests, customer, service):
    assert _years(admin_browser.get(CHANGELIST).content.decode()) == ["2024", "2025", "2026"]

    _created(ServiceRequestFactory(customer=customer, service=service), 2027, 1, 2, 9, 0)

    assert _years(admin_browser.get(CHANGELIST).content.decode()) == ["2024", "2025", "2026", "2027"]


@pytest.mark.django_db
def test_the_unfiltered_page_reads_its_dates_with_its_estimate(
    admin_browser, two_requests, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6) as captured:
        admin_browser.get(CHANGELIST)

    bounds = [query["sql"] for query in captured.captured_queries if "MIN(" in query["sql"]]
    assert len(bounds) == 1 and "reltuples" in bounds[0]


@pytest.mark.django_db
def test_a_months_drill_down_is_djangos_and_per_language(admin_browser, two_requests, admin_user):
    english = admin_browser.get(CHANGELIST, {"created_at__year": 2024}).content.decode()
    again = admin_browser.get(CHANGELIST, {"created_at__year": 2024}).content.decode()
    admin_browser.cookies["django_language"] = "hi"
    with translation.override("hi"):
        hindi = admin_browser.get(CHANGELIST, {"created_at__year": 2024}).content.decode()

    toplinks = (
        '<nav class="toplinks">\n\n\n<a href="?" class="date-back">&lsaquo; All dates</a>\n\n\n\n'
        '<a href="?created_at__month=1&amp;created_at__year=2024">January 2024</a>\n\n'
    )
    assert toplinks in english and toplinks in again
    assert '<a href="?created_at__month=12&amp;created_at__year=2024">December 2024</a>' in english
    assert '<a href="?created_at__month=1&amp;created_at__year=2024">जनवरी 2024</a>' in hindi
    assert "January 2024" not in hindi


@pytest.mark.django_db
def test_the_service_filter_follows_the_catalogue_at_once(admin_browser, service):
    html = admin_browser.get(CHANGELIST).content.decode()
    assert f'<a href="?service={service.pk}">Deep cleaning</a>' in html

    Service.objects.filter(pk=service.pk).update(name="Window cleaning")
    added = ServiceFactory(name="AC repair")
    html = admin_browser.get(CHANGELIST).content.decode()

    assert f'<a href="?service={service.pk}">Window cleaning</a>' in html
    assert "Deep cleaning" not in html
    assert html.index(f'<a href="?service={added.pk}">AC repair</a>') < html.index("Window cleaning")


@pytest.mark.django_db
def test_service_choices_are_the_catalogue_by_name_compiled_once(monkeypatch, django_assert_num_queries):
    plumbing, cleaning = ServiceFactory(name="Plumbing"), ServiceFactory(name="Cleaning")
    prepared._kept_sql.clear()
    assert service_choices() == [(cleaning.pk, "Cleaning"), (plumbing.pk, "Plumbing")]

    built = []
    monkeypatch.setattr(Service.objects, "order_by", lambda *names: built.append(names))
    electrical = ServiceFactory(name="Electrical")
    with django_assert_num_queries(1):
        assert service_choices() == [
            (cleaning.pk, "Cleaning"),
            (electrical.pk, "Electrical"),
            (plumbing.pk, "Plumbing"),
        ]
    assert built == []  # the SQL was not built again


@pytest.mark.django_db
def test_a_statement_with_parameters_is_built_every_time():
    ServiceFactory(name="Plumbing")
    cleaning = ServiceFactory(name="Cleaning")

    def make():
        return Service.objects.filter(name__in=["Cleaning"]).values_list("pk", "name")

    assert prepared.fetch_fixed_rows("test.named", make) == [(cleaning.pk, "Cleaning")]
    assert ("test.named", "default", "postgresql") not in prepared._kept_sql


ADMIN_JS = (
    '<script src="/static/admin/js/vendor/jquery/jquery.min.js"></script>\n'
    '<script src="/static/admin/js/jquery.init.js"></script>\n'
    '<script src="/static/admin/js/core.js"></script>\n'
)


def test_kept_media_prints_what_djangos_does_and_follows_its_files_and_the_static_url():
    admin_media = forms.Media(
        js=["admin/js/vendor/jquery/jquery.min.js", "admin/js/jquery.init.js", "admin/js/core.js"]
    )
    styled = forms.Media(css={"all": ["site/admin.css"]}, js=["admin/js/core.js"])

    assert str(kept_media(admin_media)["js"]) == ADMIN_JS.rstrip("\n")
    assert str(kept_media(admin_media)["js"]) == str(admin_media["js"])
    assert (
        str(kept_media(styled)["css"]) == '<link href="/static/site/admin.css" media="all" rel="stylesheet">'
    )
    assert str(kept_media(styled)["js"]) == '<script src="/static/admin/js/core.js"></script>'
    assert str(kept_media(styled)) == str(styled)
    with override_settings(STATIC_URL="/assets/"):
        assert str(kept_media(styled)["js"]) == '<script src="/assets/admin/js/core.js"></script>'


@pytest.mark.django_db
def test_the_changelist_prints_the_admins_scripts(admin_browser):
    html = admin_browser.get(CHANGELIST).content.decode()

    assert ADMIN_JS in html
    assert '<script src="/static/admin/js/actions.js"></script>' in html


def _breadcrumbs(html: str) -> str:
    return re.search(r'<div class="breadcrumbs">.*?</div>', html, re.S).group(0)


@pytest.mark.django_db
def test_the_breadcrumbs_are_each_models_own_and_per_language(admin_browser):
    requests_page = admin_browser.get(CHANGELIST).content.decode()
    stripe_page = admin_browser.get(reverse("admin:requests_app_stripeevent_changelist")).content.decode()
    admin_browser.cookies["django_language"] = "hi"
    with translation.override("hi"):
        hindi = admin_browser.get(CHANGELIST).content.decode()
        home = translation.gettext("Home")

    assert _breadcrumbs(requests_page) == (
        '<div class="breadcrumbs">\n<a href="/admin/">Home</a>\n'
        '&rsaquo; <a href="/admin/requests_app/">Service requests</a>\n'
        "&rsaquo; Service requests\n</div>"
    )
    assert _breadcrumbs(stripe_page) == (
        '<div class="breadcrumbs">\n<a href="/admin/">Home</a>\n'
        '&rsaquo; <a href="/admin/requests_app/">Service requests</a>\n'
        "&rsaquo; Stripe events\n</div>"
    )
    assert home != "Home" and f'<a href="/admin/">{home}</a>' in _breadcrumbs(hindi)
