"""The scalable changelists' table (householdsvc.core.admin_rows) is Django's, cell for cell:
each row is compared with what ``items_for_result`` makes for the same changelist, on every
admin that uses it, with filters kept in the links and in Hindi too."""

import datetime

import pytest
from django.contrib.admin.templatetags.admin_list import items_for_result
from django.urls import reverse
from django.utils import dateformat, formats, timezone, translation

from householdsvc.core.admin_rows import scalable_results
from householdsvc.core.datefmt import MemoFormat
from requests_app.models import PaymentStatus, Status
from tests.requests_app.factories import ServiceRequestFactory, request_in_state

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "admin:requests_app_servicerequest_changelist",
    "admin:requests_app_stripeevent_changelist",
    "admin:reviews_review_changelist",
]


def _rows_both_ways(response):
    cl = response.context["cl"]
    django_rows = ["".join(items_for_result(cl, result, None)) for result in cl.result_list]
    ours = ["".join(row) for row in scalable_results(cl)]
    return django_rows, ours


@pytest.fixture
def mixed_requests(customer, service, professional):
    ServiceRequestFactory(customer=customer, service=service, description='A <b>"quoted"</b> one')
    ServiceRequestFactory(customer=customer, service=service, payment_status=PaymentStatus.PAID)
    request_in_state(Status.COMPLETED, customer=customer, service=service, professional=professional)
    request_in_state(Status.ASSIGNED, customer=customer, service=service, professional=professional)


@pytest.mark.parametrize("name", CHANGELISTS)
def test_each_row_is_djangos(admin_browser, mixed_requests, name):
    django_rows, ours = _rows_both_ways(admin_browser.get(reverse(name)))

    assert ours == django_rows


def test_the_links_keep_the_filters_as_django_does(admin_browser, mixed_requests):
    response = admin_browser.get(reverse(CHANGELISTS[0]), {"status__exact": Status.REQUESTED, "q": "Alice"})
    django_rows, ours = _rows_both_ways(response)

    assert ours and ours == django_rows
    first = response.context["cl"].result_list[0]
    link = reverse("admin:requests_app_servicerequest_change", args=[first.pk])
    assert f'<a href="{link}?_changelist_filters=status__exact%3Drequested%26q%3DAlice">' in ours[0]


def test_rows_in_hindi_are_djangos(admin_browser, mixed_requests):
    admin_browser.cookies["django_language"] = "hi"
    with translation.override("hi"):
        django_rows, ours = _rows_both_ways(admin_browser.get(reverse(CHANGELISTS[0])))

    assert ours == django_rows


def test_the_status_column_shows_the_label(admin_browser, mixed_requests):
    html = admin_browser.get(reverse(CHANGELISTS[0])).content.decode()

    assert '<span class="status-badge status-completed">Completed</span>' in html
    assert '<td class="field-payment">Paid</td>' in html


MOMENTS = [
    datetime.datetime(2026, 12, 2, 0, 0, tzinfo=datetime.UTC),
    datetime.datetime(2026, 12, 1, 18, 30, tzinfo=datetime.UTC),  # midnight in Kolkata
    datetime.datetime(2026, 12, 2, 6, 30, 15, 123456, tzinfo=datetime.UTC),  # noon there
    datetime.datetime(2026, 1, 31, 9, 5, tzinfo=datetime.UTC),
]


@pytest.mark.parametrize("language", ["en-gb", "hi"])
@pytest.mark.parametrize("shape", ["DATETIME_FORMAT", "j M Y, P", "D, j F Y H:i:s.u", "c", r"\Y\e\s: Y"])
def test_memo_format_is_djangos(language, shape):
    with translation.override(language), timezone.override("Asia/Kolkata"):
        memo = MemoFormat(formats.get_format(shape) if shape.isupper() else shape)
        for moment in MOMENTS + MOMENTS:  # the second time from the memo
            expected = dateformat.format(timezone.template_localtime(moment), memo.shape)
            assert memo(moment) == expected


def test_memo_format_of_a_known_moment():
    with translation.override("en-gb"), timezone.override("Asia/Kolkata"):
        assert MemoFormat("j M Y, P")(MOMENTS[1]) == "2 Dec 2026, midnight"
        assert MemoFormat("j M Y, P")(MOMENTS[2]) == "2 Dec 2026, noon"
