"""The request changelist read as values and kept by them (householdsvc.core.admin_fetch,
admin_row_memo, admin_kept_parts) prints what Django prints from the ORM's own instances."""

import datetime
import re
from copy import copy
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.admin_list import items_for_result
from django.contrib.admin.views.main import ChangeList
from django.db.models import Max, Min
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from householdsvc.core import admin_fetch, admin_row_memo, admin_sidebar
from householdsvc.core.admin import QuickLinkChangeList, table_bounds
from householdsvc.core.admin_fetch import light_rows
from requests_app.models import PaymentStatus, ServiceRequest, Status
from tests.catalog.factories import ServiceFactory
from tests.requests_app.factories import ServiceRequestFactory, request_in_state

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:requests_app_servicerequest_changelist")
MODEL_ADMIN = admin.site._registry[ServiceRequest]


@pytest.fixture
def mixed_requests(customer, service, professional):
    ServiceRequestFactory(customer=customer, service=service, description='A <b>"quoted"</b> one')
    ServiceRequestFactory(customer=customer, service=service, payment_status=PaymentStatus.PAID)
    request_in_state(Status.COMPLETED, customer=customer, service=service, professional=professional)
    request_in_state(Status.ASSIGNED, customer=customer, service=service, professional=professional)


def _orm_rows(cl):
    """The same page as the ORM's instances, in the page's order."""
    ids = [row.pk for row in cl.result_list]
    found = ServiceRequest.objects.select_related("service", "customer", "professional").in_bulk(ids)
    return [found[pk] for pk in ids]


def _table(html: str) -> str:
    return re.search(r'<div class="results">.*?</table>\n</div>', html, re.S).group(0)


def _djangos_table(cl, orm_rows) -> str:
    """Django's own ``{% result_list cl %}`` over the ORM's instances."""
    plain = copy(cl)
    plain.result_list = orm_rows
    plain.__class__ = ChangeList
    rendered = Template("{% load admin_list %}{% result_list cl %}").render(
        Context({"cl": plain, "opts": cl.opts})
    )
    return _table(rendered)


@pytest.mark.parametrize("query", [{}, {"o": "3"}, {"status__exact": Status.COMPLETED}, {"q": "Alice"}])
def test_the_table_is_djangos_over_the_orms_instances(admin_browser, mixed_requests, query):
    response = admin_browser.get(CHANGELIST, query)
    cl = response.context["cl"]

    assert isinstance(cl, QuickLinkChangeList) and cl.result_values is not None
    assert _table(response.content.decode()) == _djangos_table(cl, _orm_rows(cl))


def test_each_light_row_holds_the_orms_values(admin_browser, mixed_requests):
    cl = admin_browser.get(CHANGELIST).context["cl"]

    for light, orm in zip(cl.result_list, _orm_rows(cl), strict=True):
        assert light.pk == orm.pk and not light._state.adding
        for name in ("status", "price_estimate", "final_price", "payment_status", "created_at"):
            assert getattr(light, name) == getattr(orm, name)
        assert light.service.name == orm.service.name
        assert light.customer.full_name == orm.customer.full_name
        assert light.customer.email == orm.customer.email
        if orm.professional is None:
            assert light.professional is None
        else:
            assert light.professional.email == orm.professional.email
        assert str(light) == str(orm)
        assert "".join(items_for_result(cl, light, None)) == "".join(items_for_result(cl, orm, None))


def test_a_field_not_read_is_loaded_when_asked_for(admin_browser, open_request, django_assert_num_queries):
    row = admin_browser.get(CHANGELIST).context["cl"].result_list[0]

    with django_assert_num_queries(1):
        assert row.description == open_request.description


def test_rows_two_relations_deep_are_left_to_only():
    queryset = ServiceRequest.objects.order_by("-id")[:10]

    assert light_rows(queryset, ("id", "customer__professional_profile__bio")) is None


def test_a_kept_row_follows_its_data(admin_browser, open_request, customer):
    first = admin_browser.get(CHANGELIST).content.decode()
    assert "Alice Customer" in first
    assert _table(admin_browser.get(CHANGELIST).content.decode()) == _table(first)  # kept

    customer.full_name = "Alice Renamed"
    customer.save()
    ServiceRequest.objects.filter(pk=open_request.pk).update(payment_status=PaymentStatus.PAID)
    html = admin_browser.get(CHANGELIST).content.decode()

    assert "Alice Renamed" in html and "Alice Customer" not in html
    assert '<td class="field-payment">Paid</td>' in html


def test_a_kept_row_is_per_language(admin_browser, open_request):
    english = admin_browser.get(CHANGELIST).content.decode()
    admin_browser.cookies["django_language"] = "hi"
    with translation.override("hi"):
        response = admin_browser.get(CHANGELIST)
        hindi = _table(response.content.decode())
        assert hindi == _djangos_table(response.context["cl"], _orm_rows(response.context["cl"]))

    assert hindi != _table(english)


def test_a_row_whose_columns_read_the_database_is_not_kept(admin_browser, open_request, monkeypatch):
    # Without final_price among the values read, the price column loads it: the row is not kept.
    fields = tuple(name for name in MODEL_ADMIN.list_only if name != "final_price")
    monkeypatch.setattr(MODEL_ADMIN, "list_only", fields)
    admin_row_memo._rows.clear()

    response = admin_browser.get(CHANGELIST)

    assert admin_row_memo._rows == {}
    cl = response.context["cl"]
    assert _table(response.content.decode()) == _djangos_table(cl, _orm_rows(cl))


def test_an_admin_not_declaring_its_columns_pure_keeps_nothing(admin_browser, open_request, monkeypatch):
    monkeypatch.setattr(MODEL_ADMIN, "list_cells_from_values", False)
    admin_row_memo._rows.clear()

    response = admin_browser.get(CHANGELIST)

    assert admin_row_memo._rows == {} and response.status_code == 200


def test_the_kept_actions_bar_is_djangos(admin_browser, mixed_requests):
    response = admin_browser.get(CHANGELIST)
    template = Template("{% load admin_list %}{% admin_actions %}")
    expected = template.render(Context(dict(response.context_data)))

    assert '<select name="action"' in expected
    assert expected in response.content.decode()


@pytest.mark.parametrize(
    "new, remove",
    [
        ({}, None),
        ({"status__exact": "done"}, None),
        ({"flag": True}, None),
        ({"flag": 1}, None),
        ({"p": 2, "created_at__year": None}, ["created_at__"]),
        ({"o": "1.-3"}, ["o"]),
    ],
)
def test_kept_query_strings_are_djangos(admin_browser, mixed_requests, new, remove):
    filters = {"status__exact": "requested", "created_at__year": "2026"}
    cl = admin_browser.get(CHANGELIST, filters).context["cl"]

    for _ in range(2):  # the second time kept
        assert cl.get_query_string(new, remove) == ChangeList.get_query_string(cl, new, remove)


def test_table_bounds_are_the_aggregates(mixed_requests):
    queryset = ServiceRequest.objects.all()
    expected = queryset.aggregate(first=Min("created_at"), last=Max("created_at"))

    assert table_bounds(queryset, "created_at") == (expected["first"], expected["last"])
    assert table_bounds(queryset.filter(status=Status.COMPLETED), "created_at")[0] is not None


def test_in_language_columns_answer_as_the_admin_methods(mixed_requests):
    for row in ServiceRequest.objects.select_related("service", "customer", "professional"):
        language = translation.get_language()
        for name in ("status_badge", "price", "payment", "action_checkbox"):
            method = getattr(MODEL_ADMIN, name)
            assert method(row) == method.with_language(MODEL_ADMIN, row, language)


def test_light_rows_keep_money_and_dates_exact(admin_browser, customer, service):
    moment = datetime.datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=datetime.UTC)
    made = ServiceRequestFactory(customer=customer, service=service, price_estimate=Decimal("1234.56"))
    ServiceRequest.objects.filter(pk=made.pk).update(created_at=moment)

    row = admin_browser.get(CHANGELIST).context["cl"].result_list[0]

    assert row.created_at == moment and row.price_estimate == Decimal("1234.56")


def test_the_unfiltered_pages_statement_is_compiled_once(admin_browser, mixed_requests):
    admin_fetch._statements.clear()

    first = admin_browser.get(CHANGELIST)
    again = admin_browser.get(CHANGELIST)
    admin_browser.get(CHANGELIST, {"status__exact": Status.COMPLETED})  # parameters: not kept

    assert len(admin_fetch._statements) == 1
    ids = [row.pk for row in again.context["cl"].result_list]
    assert ids == [row.pk for row in first.context["cl"].result_list]
    assert ids == list(ServiceRequest.objects.order_by("-created_at", "-id").values_list("pk", flat=True))


def test_each_ordering_has_its_own_statement(admin_browser, mixed_requests):
    admin_fetch._statements.clear()

    for order in ("-1", "1", "-8", "8"):
        response = admin_browser.get(CHANGELIST, {"o": order})
        cl = response.context["cl"]
        assert _table(response.content.decode()) == _djangos_table(cl, _orm_rows(cl))

    assert len(admin_fetch._statements) == 4


def _djangos_filters(response) -> list[str]:
    cl = response.context["cl"]
    return [admin_list.admin_list_filter(cl, spec) for spec in cl.filter_specs]


def test_kept_filters_follow_the_catalogue_and_the_language(admin_browser, open_request):
    for _ in range(2):  # the second time kept by the filters' state
        response = admin_browser.get(CHANGELIST)
        assert all(expected in response.content.decode() for expected in _djangos_filters(response))

    ServiceFactory(name="Window washing")
    response = admin_browser.get(CHANGELIST)
    assert "Window washing" in response.content.decode()
    assert all(expected in response.content.decode() for expected in _djangos_filters(response))

    admin_browser.cookies["django_language"] = "hi"
    with translation.override("hi"):
        response = admin_browser.get(CHANGELIST)
        assert all(expected in response.content.decode() for expected in _djangos_filters(response))


def test_a_page_of_kept_rows_makes_no_instance(admin_browser, mixed_requests):
    first = admin_browser.get(CHANGELIST)
    again = admin_browser.get(CHANGELIST)

    rows = again.context["cl"].result_list
    assert rows._rows is None and len(rows) == 4  # the rows came from the kept HTML
    assert _table(again.content.decode()) == _table(first.content.decode())
    assert [row.pk for row in rows] == [row.pk for row in first.context["cl"].result_list]


@pytest.mark.parametrize("query", [{}, {"p": "2"}, {"p": "2", "status__exact": Status.REQUESTED}])
def test_the_kept_pagination_is_djangos(admin_browser, mixed_requests, monkeypatch, query):
    monkeypatch.setattr(MODEL_ADMIN, "list_per_page", 1)
    for _ in range(2):  # the second time kept
        response = admin_browser.get(CHANGELIST, query)
        cl = response.context["cl"]
        expected = Template("{% load admin_list %}{% pagination cl %}").render(
            Context({"cl": cl, "opts": cl.opts})
        )
        assert 'class="paginator"' in expected
        assert expected in response.content.decode()


@pytest.mark.parametrize("query", [{}, {"q": "Alice"}, {"q": "Alice", "status__exact": Status.REQUESTED}])
def test_the_kept_search_box_is_the_templates(admin_browser, mixed_requests, query):
    for _ in range(2):  # the second time kept
        response = admin_browser.get(CHANGELIST, query)
        cl = response.context["cl"]
        expected = Template("{% load admin_list %}{% search_form cl %}").render(
            Context({"cl": cl, "opts": cl.opts})
        )
        assert 'id="changelist-search"' in expected
        assert expected in response.content.decode()


def test_every_part_is_kept(admin_browser, mixed_requests):
    admin_sidebar._rendered.clear()

    admin_browser.get(CHANGELIST)

    kinds = {key[0] for key in admin_sidebar._rendered}
    assert {"results", "actions", "pagination", "search", "filter", "filter-state", "sidebar"} <= kinds
